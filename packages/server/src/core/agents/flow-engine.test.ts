/** The flow bot's decisions as data: greeting, FAQ, buttons (by id, title or number), ask with validation, misses, handoff. */
import { describe, expect, it } from 'vitest';
import { flowGraphIssues, matchFaq, runFlow, type FlowGraph, type FlowState } from './flow-engine.js';

const graph: FlowGraph = {
  greeting: 'Welcome!',
  nodes: [
    {
      id: 'menu',
      type: 'buttons',
      text: 'Choose',
      buttons: [
        { id: 'orders', title: 'My orders', next: 'order' },
        { title: 'Person', next: 'human' },
      ],
    },
    { id: 'order', type: 'ask', text: 'Order number?', field: 'orderNumber', validate: 'number', next: 'done' },
    { id: 'done', type: 'message', text: 'Thanks, we will check.' },
    { id: 'human', type: 'handoff', text: 'Getting a person.', reason: 'asked for a person' },
  ],
  faq: [
    { keywords: ['opening hours'], answer: 'Nine to five.' },
    { keywords: [], pattern: '^refund\\b', answer: 'Refunds take a week.' },
  ],
  fallback: 'Sorry?',
  maxMisses: 2,
  handoffMessage: 'A colleague takes over.',
};
const texts = (step: ReturnType<typeof runFlow>) =>
  step.replies.map((r) =>
    r.type === 'text' ? r.text : r.type === 'interactive' ? `[${r.interactive.text ?? ''}]` : r.type,
  );

describe('flow engine', () => {
  it('greets on the first message and enters the start node', () => {
    const step = runFlow(graph, undefined, { text: 'hello' });
    expect(texts(step)).toEqual(['Welcome!', '[Choose]']);
    expect(step.state).toEqual({ at: 'menu', misses: 0 });
  });

  it('answers an FAQ (keywords ignore case and accents) and keeps waiting', () => {
    const state: FlowState = { at: 'menu', misses: 0 };
    const step = runFlow(graph, state, { text: 'What are your OPÉNING hours?' });
    expect(texts(step)).toEqual(['Nine to five.']);
    expect(step.state.at).toBe('menu');
    expect(texts(runFlow(graph, state, { text: 'Refund please' }))).toEqual(['Refunds take a week.']);
    expect(matchFaq(graph, 'no refund here')).toBeUndefined();
  });

  it('takes a button by id, by title or by its number', () => {
    const state: FlowState = { at: 'menu', misses: 0 };
    expect(runFlow(graph, state, { text: 'x', buttonId: 'orders' }).state.at).toBe('order');
    expect(runFlow(graph, state, { text: 'my ORDERS' }).state.at).toBe('order');
    expect(runFlow(graph, state, { text: '1' }).state.at).toBe('order');
    const handoff = runFlow(graph, state, { text: '2.' });
    expect(handoff.handoff).toEqual({ reason: 'asked for a person' });
    expect(texts(handoff)).toEqual(['Getting a person.']);
  });

  it('collects a valid answer into a field and re-asks an invalid one; misses hand off', () => {
    const asking: FlowState = { at: 'order', misses: 0 };
    const ok = runFlow(graph, asking, { text: ' 12345 ' });
    expect(ok.collect).toEqual({ orderNumber: '12345' });
    expect(texts(ok)).toEqual(['Thanks, we will check.']);
    expect(ok.state).toEqual({ misses: 0 });
    const bad = runFlow(graph, asking, { text: 'no idea' });
    expect(texts(bad)).toEqual(['Order number?']);
    expect(bad.state).toEqual({ at: 'order', misses: 1 });
    const again = runFlow(graph, bad.state, { text: 'still no idea' });
    expect(again.handoff?.reason).toContain('2 times');
    expect(texts(again)).toEqual(['A colleague takes over.']);
  });

  it('answers the fallback when nothing matches outside a question', () => {
    expect(texts(runFlow(graph, { misses: 0 }, { text: 'blah' }))).toEqual(['Sorry?']);
    // given back after a handoff: starts over at the menu, without the greeting
    const back = runFlow(graph, { misses: 0, handedOff: true }, { text: 'blah' });
    expect(texts(back)).toEqual(['[Choose]']);
    expect(back.state).toEqual({ at: 'menu', misses: 0 });
  });

  it('reports graph problems with their paths', () => {
    const issues = flowGraphIssues({
      start: 'nope',
      nodes: [
        { id: 'a', type: 'message', text: 'x', next: 'b' },
        { id: 'a', type: 'message', text: 'y' },
      ],
      faq: [
        { keywords: [], answer: 'z' },
        { keywords: [], pattern: '(', answer: 'z' },
        { keywords: [], pattern: '^(?=.*refund)', answer: 'z' },
      ],
    });
    expect(issues.map((i) => i.path.join('.'))).toEqual([
      'nodes.1.id',
      'start',
      'nodes.0.next',
      'faq.0',
      'faq.1.pattern',
      'faq.2.pattern',
    ]);
    // patterns run on RE2 (linear time on customers' text): a lookahead is refused, and the reason says why
    expect(issues.at(-1)?.message).toMatch(/lookahead .*not supported.*linear-time RE2/);
  });
});
