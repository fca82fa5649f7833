import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { ContextError } from './errors.js';
import type { Place } from './template.js';

/** A YAML value with the line it starts on. */
export type YamlNode = Place &
  (
    | { kind: 'map'; entries: Map<string, YamlNode> }
    | { kind: 'list'; items: YamlNode[] }
    | { kind: 'scalar'; value: string | number | boolean | null }
  );

/** Parses YAML text into a tree of maps, lists and scalars; a syntax error names its line. */
export function readYaml(text: string, file: string): YamlNode {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const error = doc.errors[0];
  if (error) throw new ContextError(file, error.linePos?.[0].line ?? 1, `YAML: ${error.message.split('\n')[0]}`);
  const lineOf = (node: Node | null): number => (node?.range ? lines.linePos(node.range[0]).line : 1);
  const convert = (node: unknown): YamlNode => {
    const place = { file, line: lineOf(node as Node) };
    if (isMap(node)) {
      const entries = new Map<string, YamlNode>();
      for (const pair of node.items) entries.set(String(isScalar(pair.key) ? pair.key.value : pair.key), convert(pair.value));
      return { ...place, kind: 'map', entries };
    }
    if (isSeq(node)) return { ...place, kind: 'list', items: node.items.map(convert) };
    if (isScalar(node)) return { ...place, kind: 'scalar', value: node.value as string | number | boolean | null };
    if (node == null) return { ...place, kind: 'scalar', value: null };
    throw ContextError.at(place, 'unsupported YAML (aliases and tags are not read)');
  };
  return convert(doc.contents);
}

export function mapOf(node: YamlNode | undefined, what: string, parent: Place): Map<string, YamlNode> {
  if (node?.kind !== 'map') throw ContextError.at(node ?? parent, `${what} must be a mapping`);
  return node.entries;
}

export function listOf(node: YamlNode | undefined, what: string, parent: Place): YamlNode[] {
  if (node?.kind !== 'list') throw ContextError.at(node ?? parent, `${what} must be a list`);
  return node.items;
}

/** A scalar as text: numbers are written as they read. */
export function textOf(node: YamlNode, what: string): string {
  if (node.kind !== 'scalar' || node.value === null || typeof node.value === 'boolean') throw ContextError.at(node, `${what} must be text`);
  return String(node.value);
}

export function numberOf(node: YamlNode | undefined, what: string, parent: Place): number {
  if (node?.kind !== 'scalar' || typeof node.value !== 'number') throw ContextError.at(node ?? parent, `${what} must be a number`);
  return node.value;
}
