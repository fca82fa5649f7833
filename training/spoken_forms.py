"""Spelled words, digit strings, numbers and dates as people say them, one per line, as LM text.

  /usr/bin/python3 training/spoken_forms.py COUNT SEED TEXT_FILE... > spoken.txt

The spelled words are drawn from the 40,000 commonest words of TEXT_FILE. Mixed into an LM beside
book text, these lines keep spelled letters and digit strings from losing to short common words.
"""
import collections, random, re, sys
ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
MONTHS = "january february march april may june july august september october november december".split()
ORD = {"one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth", "nine": "ninth", "twelve": "twelfth"}
def below100(n):
    if n < 20: return ONES[n]
    return TENS[n // 10] + ("" if n % 10 == 0 else " " + ONES[n % 10])
def number(n):
    if n < 100: return below100(n)
    if n < 1000: return ONES[n // 100] + " hundred" + ("" if n % 100 == 0 else " " + below100(n % 100))
    return number(n // 1000) + " thousand" + ("" if n % 1000 == 0 else " " + number(n % 1000))
def ordinal(n):
    words = below100(n).split()
    last = words[-1]
    words[-1] = ORD.get(last) or (last[:-1] + "ieth" if last.endswith("y") else last + "th")
    return " ".join(words)
def year(y):
    return below100(y // 100) + " " + (("oh " + ONES[y % 100]) if y % 100 < 10 and y % 100 else below100(y % 100) if y % 100 else "hundred")
def digits(rng, k):
    return " ".join(rng.choice(["oh", "zero"]) if d == 0 else ONES[d] for d in (rng.randrange(10) for _ in range(k)))
def grouped(rng):
    return " ".join(rng.choice([below100(rng.randrange(10, 100)), digits(rng, rng.randint(1, 3)), number(rng.randrange(100, 1000))]) for _ in range(rng.randint(1, 3)))
def main(text_files, count, seed):
    freq = collections.Counter()
    for f in text_files:
        for line in open(f, encoding="utf-8"):
            freq.update(w for w in re.findall(r"[A-Za-z]+", line) if len(w) >= 2)
    words = [w.lower() for w, _ in freq.most_common(40000)]
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    for _ in range(count):
        kind = rng.random()
        spelled = " ".join(rng.choice(words))
        if kind < 0.35: line = spelled
        elif kind < 0.45: line = rng.choice(["my name is", "it is spelled", "spell", "that is", "the word is"]) + " " + spelled
        elif kind < 0.6: line = digits(rng, rng.randint(2, 10))
        elif kind < 0.7: line = grouped(rng)
        elif kind < 0.8: line = " ".join(rng.choice(letters) for _ in range(rng.randint(1, 6))) + " " + grouped(rng)
        elif kind < 0.9: line = rng.choice(MONTHS) + " " + rng.choice([ordinal(rng.randint(1, 31)), below100(rng.randint(1, 31))]) + rng.choice(["", " " + year(rng.randint(1900, 2030))])
        else: line = rng.choice(["call", "dial", "the number is", "my number is", "enter", "code"]) + " " + rng.choice([digits(rng, rng.randint(3, 10)), grouped(rng)])
        print(line)
main(sys.argv[3:], int(sys.argv[1]), int(sys.argv[2]))
