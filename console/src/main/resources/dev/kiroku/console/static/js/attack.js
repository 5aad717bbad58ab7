// ATT&CK (Enterprise) tactics in kill-chain order, as Sigma tags name them ("attack.<tactic>").
import {h} from './ui.js';

export const TACTICS = [
  'reconnaissance', 'resource-development', 'initial-access', 'execution', 'persistence',
  'privilege-escalation', 'defense-evasion', 'credential-access', 'discovery', 'lateral-movement',
  'collection', 'command-and-control', 'exfiltration', 'impact',
];

const normalise = tactic => tactic.toLowerCase().replace(/_/g, '-');

/**
 * The matrix of what the enabled rules cover and what fired. A rule's techniques are placed under
 * each tactic the same rule names (Sigma tags do not pair them); techniques of rules without a
 * tactic tag go to "other".
 *
 * @param rules  [{techniques:[…], tactics:[…], enabled?}]
 * @param fired  Map technique -> alert count
 */
export function attackMatrix(rules, fired) {
  const cells = new Map(TACTICS.map(t => [t, new Map()]));
  cells.set('other', new Map());
  for (const rule of rules) {
    if (rule.enabled === false) continue;
    const tactics = (rule.tactics || []).map(normalise).filter(t => cells.has(t));
    for (const technique of rule.techniques || []) {
      for (const tactic of tactics.length ? tactics : ['other']) {
        const column = cells.get(tactic);
        column.set(technique, (column.get(technique) || 0) + 1);
      }
    }
  }
  const columns = [...cells.entries()].filter(([, techniques]) => techniques.size);
  return h('div.matrix', columns.map(([tactic, techniques]) =>
    h('div.tactic',
      h('h4', tactic.replace(/-/g, ' ')),
      [...techniques.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([technique, ruleCount]) => {
        const hits = fired.get(technique.toLowerCase()) || fired.get(technique) || 0;
        return h('a.technique' + (hits ? '.fired' : ''), {
          href: `#/alerts?technique=${encodeURIComponent(technique)}`,
          title: `${technique}: ${ruleCount} rule(s), ${hits} alert(s)`,
        }, technique.toUpperCase(), hits ? h('span.count', hits) : null);
      }))));
}
