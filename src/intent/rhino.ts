import { normalizeText } from '../text/normalize.js';
import { ContextError } from './errors.js';
import { numberValues, RHINO_BUILT_INS } from './numbers.js';
import { parseTemplate, RHINO, TemplateSyntaxError } from './template-parser.js';
import type { ContextSpec, Place, SlotValue, Template } from './template.js';
import { listOf, mapOf, textOf, type YamlNode } from './yaml-tree.js';

/**
 * A Picovoice Rhino context as the Console exports it:
 *   context:
 *     expressions: { <intent>: [templates] }
 *     slots: { <slotType>: [values] }
 *     macros: { <macro>: [templates] }
 * with Rhino's template syntax (see RHINO). Built-in `pv.` slot types are number ranges.
 */
export function parseRhino(root: YamlNode): ContextSpec {
  const context = mapOf(mapOf(root, 'the file', root).get('context'), '"context"', root);
  const spec: ContextSpec = { sentences: [], lists: new Map(), rules: new Map() };
  const expressions = mapOf(context.get('expressions'), '"context.expressions"', root);
  for (const [intent, node] of expressions) {
    for (const item of listOf(node, `the expressions of "${intent}"`, root)) {
      spec.sentences.push({ intent, template: templateOf(item), fixedSlots: {}, place: item });
    }
  }
  for (const [type, node] of optionalMap(context, 'slots', root)) {
    const values: SlotValue[] = listOf(node, `slot "${type}"`, root).map((item) => ({ spoken: wordsOf(item) }));
    spec.lists.set(type, { values, place: node });
  }
  for (const [type, range] of Object.entries(RHINO_BUILT_INS)) spec.lists.set(type, { values: numberValues(range), place: root });
  for (const [name, node] of optionalMap(context, 'macros', root)) {
    const options = listOf(node, `macro "${name}"`, root).map(templateOf);
    spec.rules.set(name, { template: { kind: 'choice', options }, place: node });
  }
  return spec;
}

function optionalMap(map: Map<string, YamlNode>, key: string, parent: Place): Map<string, YamlNode> {
  const node = map.get(key);
  return node === undefined || (node.kind === 'scalar' && node.value === null) ? new Map() : mapOf(node, `"context.${key}"`, parent);
}

function templateOf(node: YamlNode): Template {
  const text = textOf(node, 'an expression');
  try {
    return parseTemplate(text, RHINO);
  } catch (error) {
    if (error instanceof TemplateSyntaxError) throw ContextError.at(node, `expression "${text}": ${error.message}`);
    throw error;
  }
}

function wordsOf(node: YamlNode): Template {
  const words = normalizeText(textOf(node, 'a slot value')).split(' ').filter(Boolean);
  if (words.length === 0) throw ContextError.at(node, 'a slot value has no words');
  return { kind: 'words', words };
}
