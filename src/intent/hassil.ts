import { ContextError } from './errors.js';
import { MAX_RANGE_VALUES, numberValues } from './numbers.js';
import { HASSIL, parseTemplate, TemplateSyntaxError } from './template-parser.js';
import type { ContextSpec, Place, SlotValue, SlotValueType, Template } from './template.js';
import { listOf, mapOf, numberOf, textOf, type YamlNode } from './yaml-tree.js';

/**
 * Home Assistant's hassil intents file:
 *   intents: { <Intent>: { data: [{ sentences: [templates], slots: { name: value } }] } }
 *   lists: { <list>: { values: [text | { in, out }] } | { range: { from, to, step?, type? } } }
 *   expansion_rules: { <rule>: template }
 * with hassil's template syntax (see HASSIL). Other keys (language, responses, contexts) are ignored.
 */
export function parseHassil(root: YamlNode): ContextSpec {
  const file = mapOf(root, 'the file', root);
  const spec: ContextSpec = { sentences: [], lists: new Map(), rules: new Map() };
  for (const [intent, node] of mapOf(file.get('intents'), '"intents"', root)) {
    for (const block of listOf(mapOf(node, `intent "${intent}"`, root).get('data'), `"data" of intent "${intent}"`, node)) {
      const data = mapOf(block, `a "data" item of "${intent}"`, node);
      const fixedSlots = fixedSlotsOf(data.get('slots'), block);
      for (const item of listOf(data.get('sentences'), `"sentences" of "${intent}"`, block)) {
        spec.sentences.push({ intent, template: templateOf(item), fixedSlots, place: item });
      }
    }
  }
  for (const [name, node] of optionalMap(file, 'lists', root)) spec.lists.set(name, { values: listValues(name, node), place: node });
  for (const [name, node] of optionalMap(file, 'expansion_rules', root)) spec.rules.set(name, { template: templateOf(node), place: node });
  return spec;
}

function optionalMap(map: Map<string, YamlNode>, key: string, parent: Place): Map<string, YamlNode> {
  const node = map.get(key);
  return node === undefined || (node.kind === 'scalar' && node.value === null) ? new Map() : mapOf(node, `"${key}"`, parent);
}

function listValues(name: string, node: YamlNode): SlotValue[] {
  const list = mapOf(node, `list "${name}"`, node);
  if (list.has('values')) return listOf(list.get('values'), `"values" of list "${name}"`, node).map(valueOf);
  const range = list.get('range');
  if (range) return rangeValues(name, range);
  if (list.has('wildcard')) throw ContextError.at(node, `list "${name}" is a wildcard, which a grammar cannot decode`);
  throw ContextError.at(node, `list "${name}" has neither "values" nor "range"`);
}

/** `text`, or `{in: template, out: value}`. */
function valueOf(node: YamlNode): SlotValue {
  if (node.kind !== 'map') {
    const text = textOf(node, 'a list value');
    return { spoken: templateOf(node), value: text };
  }
  const spoken = node.entries.get('in');
  if (!spoken) throw ContextError.at(node, 'a list value needs "in"');
  const out = node.entries.get('out');
  return { spoken: templateOf(spoken), value: out ? scalarOf(out) : textOf(spoken, '"in"') };
}

function rangeValues(name: string, node: YamlNode): SlotValue[] {
  const range = mapOf(node, `"range" of list "${name}"`, node);
  const from = numberOf(range.get('from'), '"from"', node);
  const to = numberOf(range.get('to'), '"to"', node);
  const step = range.has('step') ? numberOf(range.get('step'), '"step"', node) : 1;
  if (![from, to, step].every(Number.isInteger) || step < 1 || to < from) throw ContextError.at(node, `range of list "${name}" must go up from an integer "from" to "to" in integer steps`);
  if ((to - from) / step >= MAX_RANGE_VALUES) throw ContextError.at(node, `range of list "${name}" has more than ${MAX_RANGE_VALUES} values`);
  const percentage = range.get('type')?.kind === 'scalar' && (range.get('type') as { value: unknown }).value === 'percentage';
  return numberValues({ from, to, step, numeric: true, suffix: percentage ? { words: ['percent'], optional: true } : undefined });
}

function fixedSlotsOf(node: YamlNode | undefined, parent: Place): Record<string, SlotValueType> {
  if (!node) return {};
  const slots: Record<string, SlotValueType> = {};
  for (const [name, value] of mapOf(node, '"slots"', parent)) slots[name] = scalarOf(value);
  return slots;
}

function scalarOf(node: YamlNode): SlotValueType {
  if (node.kind === 'scalar' && typeof node.value === 'number') return node.value;
  return textOf(node, 'a slot value');
}

function templateOf(node: YamlNode): Template {
  const text = textOf(node, 'a sentence template');
  try {
    return parseTemplate(text, HASSIL);
  } catch (error) {
    if (error instanceof TemplateSyntaxError) throw ContextError.at(node, `template "${text}": ${error.message}`);
    throw error;
  }
}
