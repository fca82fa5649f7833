import { Worker } from 'node:worker_threads';

interface Task<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (error: Error) => void;
}

/**
 * A fixed number of long-lived worker threads, each running `module` (which answers through
 * cli/pool.ts's serveItems), for work that arrives over time. A thread that dies fails only its
 * own task and is replaced.
 */
export class ThreadPool<I, O> {
  private readonly idle: Worker[] = [];
  private readonly waiting: Task<I, O>[] = [];
  private readonly running = new Map<Worker, Task<I, O>>();
  private closing = false;

  constructor(private readonly module: URL, size: number) {
    for (let i = 0; i < size; i++) this.idle.push(this.spawn());
  }

  run(item: I): Promise<O> {
    if (this.closing) return Promise.reject(new Error('the thread pool is closed'));
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.dispatch();
    });
  }

  /** Lets each idle thread finish by itself (terminating one that holds an onnxruntime session aborts the process). */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.idle.splice(0).map((worker) => new Promise((resolve) => {
      worker.once('exit', resolve);
      worker.postMessage({ close: true });
    })));
  }

  private spawn(): Worker {
    const worker = new Worker(this.module);
    worker.on('message', (reply: { value?: O; error?: string }) => {
      const task = this.running.get(worker)!;
      this.running.delete(worker);
      if (reply.error === undefined) task.resolve(reply.value as O);
      else task.reject(new Error(reply.error));
      this.idle.push(worker);
      this.dispatch();
    });
    worker.on('error', (error) => {
      this.running.get(worker)?.reject(error);
      this.running.delete(worker);
      if (!this.closing) this.idle.push(this.spawn());
      this.dispatch();
    });
    return worker;
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.waiting.length > 0) {
      const worker = this.idle.pop()!;
      const task = this.waiting.shift()!;
      this.running.set(worker, task);
      worker.postMessage({ index: 0, item: task.item });
    }
  }
}
