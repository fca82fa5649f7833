/** A command line that cannot be run as given; main prints the message and exits with 2. */
export class UsageError extends Error {}

/** A command that cannot go on for a reason outside the command line (a server it cannot reach); main prints the message and exits with 1. */
export class CommandError extends Error {}
