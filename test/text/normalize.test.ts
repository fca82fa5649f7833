import { describe, expect, it } from 'vitest';
import { countErrors, editDistance, errorRates } from '../../src/text/error-rate.js';
import { normalizeText } from '../../src/text/normalize.js';
import { cardinal, ordinal, year } from '../../src/text/numbers.js';

describe('normalizeText', () => {
  it.each([
    ['Set an alarm for 7:30 AM.', 'set an alarm for seven thirty am'],
    ['ZERO THREE FIVE ONE', 'zero three five one'],
    ["It's the 3rd time; call 0800.", "it's the third time call zero eight zero zero"],
    ['In 1995 I paid $3.50 for 2,000 pears & 21 apples—100%!', 'in nineteen ninety five i paid three dollars fifty cents for two thousand pears and twenty one apples one hundred percent'],
    ["Café naïve 'quoted' rock'n'roll", "cafe naive quoted rock'n'roll"],
    ['wake me at 6:05, or at 6:00', "wake me at six oh five or at six o'clock"],
    ['pi is 3.14', 'pi is three point one four'],
    ['  Mixed\tspacing\n', 'mixed spacing'],
  ])('%s', (raw, expected) => expect(normalizeText(raw)).toBe(expected));
});

describe('numbers', () => {
  it('spells cardinals, ordinals and years', () => {
    expect(cardinal(0)).toBe('zero');
    expect(cardinal(115)).toBe('one hundred fifteen');
    expect(cardinal(1_002_030)).toBe('one million two thousand thirty');
    expect(ordinal(22)).toBe('twenty second');
    expect(ordinal(40)).toBe('fortieth');
    expect(year(1905)).toBe('nineteen oh five');
    expect(year(2008)).toBe('two thousand eight');
    expect(year(1800)).toBe('eighteen hundred');
  });
});

describe('error rates', () => {
  it('counts edits of words and characters', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    const counts = countErrors('turn of the light', 'turn off the lights');
    expect(counts).toEqual({ wordErrors: 2, words: 4, charErrors: 2, chars: 19 });
    expect(errorRates(counts).wer).toBe(50);
  });
});
