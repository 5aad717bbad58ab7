// What the signed-in role may do. The server refuses a role's missing rights anyway; the console does not offer
// them: every control that changes something carries data-needs="analyst" or "admin", and is disabled (with a
// title saying why) for a user whose role is below it, also when a section renders it later.
import {signedInRole} from './api.js';

const RANKS = ['viewer', 'analyst', 'admin'];

/** The attribute that marks a control as an action needing the role: h('button', {...needs('analyst')}, 'Save'). */
export function needs(role) {
  return {'data-needs': role};
}

/** Whether the signed-in role may do what needs the given role. */
export function allowed(role) {
  return RANKS.indexOf(signedInRole()) >= RANKS.indexOf(role);
}

function restrict(root) {
  const controls = root.matches && root.matches('[data-needs]') ? [root] : [];
  if (root.querySelectorAll) controls.push(...root.querySelectorAll('[data-needs]'));
  for (const control of controls) {
    if (allowed(control.dataset.needs)) continue;
    control.disabled = true;
    control.title = `Needs the ${control.dataset.needs} role; you are signed in as ${signedInRole() || 'nobody'}.`;
  }
}

/** Keeps the actions under root disabled for roles that may not do them, including those added later. */
export function restrictActions(root) {
  restrict(root);
  new MutationObserver(changes => changes.forEach(c => c.addedNodes.forEach(restrict))).observe(root, {childList: true, subtree: true});
}
