/**
 * @module core/agents/flow-engine
 * The built-in flow bot as a pure function: (flow graph, conversation state, customer input) → replies, fields to
 * store on the contact, an optional handoff and the next state. No I/O, so every branch is testable as data.
 *
 * A turn: the first message of a conversation gets the greeting; a node waiting for input (buttons, ask) takes
 * the answer and the flow runs on from its branch; otherwise an FAQ entry may answer (the waiting node keeps
 * waiting); anything unrecognised gets the fallback (or the node's re-prompt), and `maxMisses` of those in a row
 * hand off to a person. A flow that handed off and is called again (the conversation was given back) starts over.
 */
import type { Content } from '../../model/index.js';
import { adminPatternProblem, testAdminPattern } from '../patterns/admin-pattern.js';

type Next = string | undefined;
export type FlowGraphNode =
  | { id: string; type: 'message'; text: string; next?: Next }
  | {
      id: string;
      type: 'buttons';
      text: string;
      buttons: Array<{ id?: string | undefined; title: string; next?: Next }>;
    }
  | {
      id: string;
      type: 'ask';
      text: string;
      field: string;
      validate: 'text' | 'email' | 'phone' | 'number';
      invalidText?: string | undefined;
      next?: Next;
    }
  | { id: string; type: 'handoff'; text?: string | undefined; reason: string };

export interface FlowGraph {
  greeting?: string | undefined;
  start?: string | undefined;
  nodes: FlowGraphNode[];
  faq: Array<{ keywords: string[]; pattern?: string | undefined; answer: string; next?: Next }>;
  fallback: string;
  maxMisses: number;
  handoffMessage?: string | undefined;
}

export interface FlowState {
  /** the node waiting for the customer's answer */
  at?: string | undefined;
  misses: number;
  /** the flow handed off; if it is called again, the conversation was given back and it starts over */
  handedOff?: boolean | undefined;
}

export interface FlowInput {
  text: string;
  /** the id of a chosen button (interactive reply), when the channel has buttons */
  buttonId?: string | undefined;
}

export interface FlowStep {
  replies: Content[];
  /** contact attributes collected by ask nodes */
  collect: Record<string, string>;
  handoff?: { reason: string } | undefined;
  state: FlowState;
}

const MAX_STEPS = 50;

/** problems of a flow graph: unknown targets, duplicate ids, a bad start, regular expressions that do not compile */
export function flowGraphIssues(
  graph: Pick<FlowGraph, 'start' | 'nodes' | 'faq'>,
): Array<{ path: Array<string | number>; message: string }> {
  const issues: Array<{ path: Array<string | number>; message: string }> = [];
  const ids = new Set<string>();
  graph.nodes.forEach((n, i) => {
    if (ids.has(n.id)) issues.push({ path: ['nodes', i, 'id'], message: `duplicate node id '${n.id}'` });
    ids.add(n.id);
  });
  const target = (path: Array<string | number>, id: string | undefined) => {
    if (id !== undefined && !ids.has(id)) issues.push({ path, message: `no node with id '${id}'` });
  };
  if (graph.start !== undefined) target(['start'], graph.start);
  graph.nodes.forEach((n, i) => {
    if (n.type === 'message' || n.type === 'ask') target(['nodes', i, 'next'], n.next);
    if (n.type === 'buttons') {
      const seen = new Set<string>();
      n.buttons.forEach((b, j) => {
        target(['nodes', i, 'buttons', j, 'next'], b.next);
        const key = (b.id ?? b.title).toLowerCase();
        if (seen.has(key))
          issues.push({ path: ['nodes', i, 'buttons', j], message: `duplicate button '${b.id ?? b.title}'` });
        seen.add(key);
      });
    }
  });
  graph.faq.forEach((f, i) => {
    target(['faq', i, 'next'], f.next);
    if (f.keywords.length === 0 && f.pattern === undefined)
      issues.push({ path: ['faq', i], message: 'an FAQ entry needs keywords or a pattern' });
    if (f.pattern !== undefined) {
      const problem = adminPatternProblem(f.pattern);
      if (problem) issues.push({ path: ['faq', i, 'pattern'], message: `invalid regular expression: ${problem}` });
    }
  });
  return issues;
}

/** lower case, accents and punctuation gone, single spaces, padded: " where is my order " */
export function normalizeText(text: string): string {
  const plain = text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  return ` ${plain} `;
}

export function matchFaq(graph: Pick<FlowGraph, 'faq'>, text: string): FlowGraph['faq'][number] | undefined {
  const norm = normalizeText(text);
  return graph.faq.find((f) => {
    if (
      f.keywords.some((k) => {
        const key = normalizeText(k);
        return key.trim() !== '' && norm.includes(key);
      })
    )
      return true;
    return f.pattern !== undefined && testAdminPattern(f.pattern, text);
  });
}

function buttonKey(b: { id?: string | undefined; title: string }): string {
  return b.id ?? b.title;
}

/** the chosen button: by id, by title, or by its number when the channel showed the buttons as a numbered list */
export function matchButton(
  node: Extract<FlowGraphNode, { type: 'buttons' }>,
  input: FlowInput,
): Extract<FlowGraphNode, { type: 'buttons' }>['buttons'][number] | undefined {
  if (input.buttonId !== undefined) {
    const byId = node.buttons.find((b) => buttonKey(b) === input.buttonId);
    if (byId) return byId;
  }
  const norm = normalizeText(input.text);
  const number = /^\s*(\d{1,2})\s*[.)]?\s*$/.exec(input.text);
  if (number) return node.buttons[Number(number[1]) - 1];
  return node.buttons.find((b) => normalizeText(b.title) === norm || normalizeText(buttonKey(b)) === norm);
}

const VALIDATORS: Record<'text' | 'email' | 'phone' | 'number', (v: string) => string | undefined> = {
  text: (v) => (v.trim() ? v.trim() : undefined),
  email: (v) => (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.trim()) ? v.trim().toLowerCase() : undefined),
  phone: (v) => {
    const digits = v.replace(/[\s().-]/g, '');
    return /^\+?\d{6,15}$/.test(digits) ? digits : undefined;
  },
  number: (v) => (/^-?\d+([.,]\d+)?$/.test(v.trim()) ? v.trim().replace(',', '.') : undefined),
};

function nodePrompt(node: FlowGraphNode): Content | undefined {
  switch (node.type) {
    case 'message':
    case 'ask':
      return { type: 'text', text: node.text };
    case 'buttons':
      return {
        type: 'interactive',
        interactive: {
          kind: 'buttons',
          text: node.text,
          buttons: node.buttons.map((b) => ({ id: buttonKey(b), title: b.title })),
        },
      };
    case 'handoff':
      return undefined;
  }
}

/** runs from a node until one waits for input, hands off or the flow ends */
function enter(graph: FlowGraph, from: string | undefined, step: FlowStep): FlowStep {
  const byId = new Map(graph.nodes.map((n) => [n.id, n] as const));
  let current = from;
  for (let i = 0; i < MAX_STEPS && current !== undefined; i++) {
    const node = byId.get(current);
    if (!node) break;
    if (node.type === 'handoff') {
      const text = node.text ?? graph.handoffMessage;
      if (text) step.replies.push({ type: 'text', text });
      return { ...step, handoff: { reason: node.reason }, state: { misses: 0, handedOff: true } };
    }
    const prompt = nodePrompt(node);
    if (prompt) step.replies.push(prompt);
    if (node.type === 'buttons' || node.type === 'ask') return { ...step, state: { at: node.id, misses: 0 } };
    current = node.next;
  }
  return { ...step, state: { misses: 0 } };
}

function miss(graph: FlowGraph, state: FlowState, step: FlowStep, reprompt: Content[]): FlowStep {
  const misses = state.misses + 1;
  if (misses >= graph.maxMisses) {
    const text = graph.handoffMessage;
    if (text) step.replies.push({ type: 'text', text });
    return {
      ...step,
      handoff: { reason: `the customer was not understood ${misses} times in a row` },
      state: { misses: 0, handedOff: true },
    };
  }
  step.replies.push(...reprompt);
  return { ...step, state: { ...state, misses } };
}

export function runFlow(graph: FlowGraph, previous: FlowState | undefined, input: FlowInput): FlowStep {
  // a flow that handed off and is called again was given the conversation back: it starts over (without the greeting)
  const returning = previous?.handedOff === true;
  const step: FlowStep = { replies: [], collect: {}, state: previous && !returning ? previous : { misses: 0 } };
  const first = previous === undefined;
  if (first && graph.greeting) step.replies.push({ type: 'text', text: graph.greeting });
  const state = step.state;
  const waiting = state.at === undefined ? undefined : graph.nodes.find((n) => n.id === state.at);

  if (waiting?.type === 'buttons') {
    const chosen = matchButton(waiting, input);
    if (chosen) return enter(graph, chosen.next, step);
  } else if (waiting?.type === 'ask') {
    const value = VALIDATORS[waiting.validate](input.text);
    if (value !== undefined) {
      step.collect[waiting.field] = value;
      return enter(graph, waiting.next, step);
    }
  }

  const faq = matchFaq(graph, input.text);
  if (faq) {
    step.replies.push({ type: 'text', text: faq.answer });
    if (faq.next !== undefined) return enter(graph, faq.next, step);
    return { ...step, state: { ...state, misses: 0 } };
  }

  if (first || returning) {
    const start = graph.start ?? graph.nodes[0]?.id;
    if (start !== undefined) return enter(graph, start, step);
    if (graph.greeting) return step;
  }

  if (waiting?.type === 'buttons') {
    const prompt = nodePrompt(waiting) as Content;
    return miss(graph, state, step, [prompt]);
  }
  if (waiting?.type === 'ask')
    return miss(graph, state, step, [{ type: 'text', text: waiting.invalidText ?? waiting.text }]);
  return miss(graph, state, step, [{ type: 'text', text: graph.fallback }]);
}
