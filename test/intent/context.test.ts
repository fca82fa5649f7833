import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileContext, ContextError, parseContext, WordGraph } from '../../src/intent/index.js';
import { HASSIL, parseTemplate, RHINO } from '../../src/intent/template-parser.js';
import { ROOT } from '../helpers.js';
import { billionSentences } from './helpers.js';

const contextFile = (name: string): string => readFileSync(path.join(ROOT, 'contexts', name), 'utf8');
const words = (text: string): string[] => text.split(' ');

/** Every word sequence a small context accepts. */
function sentences(text: string): string[] {
  const { graph } = compileContext(text);
  const out: string[] = [];
  const walk = (state: number, said: string[]): void => {
    if (state === graph.final) out.push(said.join(' '));
    for (const arc of graph.epsilons[state]!) walk(arc.to, said);
    for (const arc of graph.words[state]!) walk(arc.to, [...said, arc.word]);
  };
  walk(graph.start, []);
  return [...new Set(out)].sort();
}

describe('template syntax', () => {
  it('reads Rhino choices, optionals, slots and macros, normalising the words', () => {
    expect(parseTemplate('[Turn, switch] $state:power (the) @thing 20%', RHINO)).toEqual({
      kind: 'sequence',
      items: [
        { kind: 'choice', options: [{ kind: 'words', words: ['turn'] }, { kind: 'words', words: ['switch'] }] },
        { kind: 'slot', list: 'state', name: 'power' },
        { kind: 'choice', options: [{ kind: 'words', words: ['the'] }, { kind: 'sequence', items: [] }] },
        { kind: 'rule', name: 'thing' },
        { kind: 'words', words: ['twenty', 'percent'] },
      ],
    });
  });

  it('reads hassil alternatives, optionals, lists with slot names and rules', () => {
    expect(parseTemplate('(turn|switch) [the] {area:room} <lights>', HASSIL)).toEqual({
      kind: 'sequence',
      items: [
        { kind: 'choice', options: [{ kind: 'words', words: ['turn'] }, { kind: 'words', words: ['switch'] }] },
        { kind: 'choice', options: [{ kind: 'words', words: ['the'] }, { kind: 'sequence', items: [] }] },
        { kind: 'slot', list: 'area', name: 'room' },
        { kind: 'rule', name: 'lights' },
      ],
    });
  });

  it("expands hassil's (a;b) permutations", () => {
    const text = 'intents:\n  X:\n    data:\n      - sentences:\n          - "(red;big;old) car"\n';
    expect(sentences(text)).toEqual(['big old red car', 'big red old car', 'old big red car', 'old red big car', 'red big old car', 'red old big car']);
  });
});

describe('compileContext', () => {
  it('gives the intent and slots of a Rhino smart-home command', () => {
    const context = compileContext(contextFile('smart-home.rhino.yml'));
    expect(context.parse(words('dim the kitchen lights to twenty percent'))).toEqual({ intent: 'setBrightness', slots: { room: 'kitchen', level: 'twenty percent' } });
    expect(context.parse(words('set a timer for twenty five minutes'))).toEqual({ intent: 'setTimer', slots: { minutes: 'twenty five' } });
    expect(context.parse(words('switch off living room lights'))).toEqual({ intent: 'changeLightState', slots: { state: 'off', room: 'living room' } });
    expect(context.parse(words('dim the garage lights to twenty percent'))).toBeNull();
    expect(context.intents).toEqual(['changeLightState', 'setBrightness', 'setTemperature', 'setTimer', 'cancelTimer']);
  });

  it("gives hassil's list values, number ranges and fixed slots", () => {
    const context = compileContext(contextFile('smart-home.hassil.yml'));
    expect(context.parse(words('dim the living room lights to twenty percent'))).toEqual({ intent: 'HassLightSet', slots: { area: 'living_room', brightness: 20 } });
    expect(context.parse(words('dim the living room lights to twenty'))).toEqual({ intent: 'HassLightSet', slots: { area: 'living_room', brightness: 20 } });
    expect(context.parse(words('set a timer for twenty five minutes'))).toEqual({ intent: 'HassStartTimer', slots: { minutes: 25 } });
    expect(context.parse(words('turn on the kitchen light'))).toEqual({ intent: 'HassTurnOn', slots: { domain: 'light', area: 'kitchen' } });
    expect(context.parse(words('set the heating to twenty one degrees'))).toEqual({ intent: 'HassClimateSetTemperature', slots: { temperature: 21 } });
  });

  it('expands macros, hassil in-templates and optional choices', () => {
    const media = compileContext(contextFile('media-player.rhino.yml'));
    expect(media.parse(words('shuffle my playlist'))).toEqual({ intent: 'shuffle', slots: {} });
    expect(media.parse(words('play back in black album'))).toEqual({ intent: 'play', slots: { album: 'back in black' } });
    const hassil = compileContext(contextFile('media-player.hassil.yml'));
    expect(hassil.parse(words('play some rap music'))).toEqual({ intent: 'HassMediaPlay', slots: { genre: 'hip_hop' } });
    expect(hassil.parse(words('turn the volume down'))).toEqual({ intent: 'HassSetVolume', slots: { direction: 'down' } });
  });

  it("reads the census context's digit strings, spellings and dates", () => {
    const census = compileContext(contextFile('census.rhino.yml'));
    expect(census.parse(words('one five two oh three'))).toEqual({ intent: 'digits', slots: { d1: 'one', d2: 'five', d3: 'two', d4: 'oh', d5: 'three' } });
    expect(census.parse(words('p o w e l l'))).toEqual({ intent: 'spell', slots: { l1: 'p', l2: 'o', l3: 'w', l4: 'e', l5: 'l', l6: 'l' } });
    expect(census.parse(words('may second nineteen sixty five'))).toEqual({ intent: 'date', slots: { month: 'may', day: 'second', year: 'sixty five' } });
    expect(census.parse(words('rubout'))).toEqual({ intent: 'control', slots: { command: 'rubout' } });
    expect(census.parse(words('one'))).toBeNull();
  });

  it('compiles the same text once', () => {
    const text = contextFile('media-player.rhino.yml');
    expect(compileContext(text)).toBe(compileContext(text));
  });

  it('compiles a context of 10^9 sentences into a small graph, without enumerating them', () => {
    const started = performance.now();
    const context = compileContext(billionSentences());
    expect(context.sentenceCount).toBe(1e9);
    expect(context.graph.size).toBeLessThan(500);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(context.parse(words('alpha zero bravo one charlie two delta three echo four foxtrot five golf six hotel seven india eight'))).toEqual({
      intent: 'code',
      slots: { a: 'zero', b: 'one', c: 'two', d: 'three', e: 'four', f: 'five', g: 'six', h: 'seven', i: 'eight' },
    });
  });
});

describe('WordGraph.epsilonClosure', () => {
  it('gives the states epsilon arcs reach, through chains, in order, and no state a word reaches', () => {
    const graph = new WordGraph();
    const [a, b, c, d] = [graph.addState(), graph.addState(), graph.addState(), graph.addState()];
    graph.addEpsilon(graph.start, b);
    graph.addEpsilon(b, d);
    graph.addWord(graph.start, 'on', a);
    graph.addEpsilon(a, c);
    expect(graph.epsilonClosure([graph.start])).toEqual([graph.start, b, d]);
    expect(graph.epsilonClosure([c, a])).toEqual([a, c]);
  });
});

describe('context errors', () => {
  const error = (text: string): ContextError => {
    try {
      parseContext(text, 'home.yml');
      compileContext(text, { file: 'home.yml' });
    } catch (e) {
      expect(e).toBeInstanceOf(ContextError);
      return e as ContextError;
    }
    throw new Error('no error');
  };

  it('names the file, line and reason', () => {
    expect(error('context:\n  expressions:\n    on:\n      - "turn [on, off"\n').message).toBe(`home.yml:4: expression "turn [on, off": '[' is not closed at column 6`);
    expect(error('context:\n  expressions:\n    on:\n      - "turn $state:state"\n').message).toBe('home.yml:4: no slot list "state"');
    expect(error('intents:\n  On:\n    data:\n      - sentences:\n          - "turn on <x>"\n').message).toBe('home.yml:5: no macro or expansion rule "x"');
    expect(error('intents:\n  On:\n    data:\n      - sentences:\n          - "turn on {x}"\nlists:\n  x:\n    wildcard: true\n').message).toBe(
      'home.yml:8: list "x" is a wildcard, which a grammar cannot decode',
    );
    expect(error('context:\n  expressions: [\n').message).toMatch(/^home\.yml:\d+: YAML: /);
    expect(error('hello: world\n').message).toBe('home.yml:1: neither a Rhino context ("context:" at the top) nor hassil intents ("intents:")');
  });

  it('finds a rule that refers to itself', () => {
    const text = 'intents:\n  X:\n    data:\n      - sentences:\n          - "<a>"\nexpansion_rules:\n  a: "go <b>"\n  b: "[<a>]"\n';
    expect(error(text).message).toBe('home.yml:7: "a" refers to itself (a -> b -> a)');
  });
});
