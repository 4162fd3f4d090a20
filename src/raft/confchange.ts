/**
 * Membership configurations and the rules for changing them (etcd's confchange package).
 *
 * A configuration has incoming voters, outgoing voters (non-empty only in a joint configuration),
 * learners, and learnersNext: outgoing voters that are to become learners when the joint
 * configuration is left (a voter cannot be a learner at the same time). Three transitions exist:
 *
 * - simple: changes that alter the incoming voters by at most one node, outside a joint config;
 * - enter joint: the current voters become the outgoing half, the changes apply to the incoming
 *   half, and both majorities are needed until the joint configuration is left;
 * - leave joint: the outgoing half is dropped and learnersNext become learners.
 *
 * Worked example: voters {n1 n2 n3}; enter joint with [remove n3, add-learner n3, add n4] gives
 * incoming {n1 n2 n4}, outgoing {n1 n2 n3}, learnersNext {n3}; leaving gives voters {n1 n2 n4},
 * learners {n3}.
 *
 * These functions are pure: they return a new configuration or the reason the change is invalid.
 */
import { assert, assertNever } from "./assert.js";
import type { ConfChange, ConfChangeRefusal, ConfState, NodeId } from "./types.js";

/** Sorted, duplicate-free id lists. */
export interface TrackerConfig {
  readonly incoming: readonly NodeId[];
  readonly outgoing: readonly NodeId[];
  readonly learners: readonly NodeId[];
  readonly learnersNext: readonly NodeId[];
  readonly autoLeave: boolean;
}

interface Draft {
  incoming: Set<NodeId>;
  outgoing: Set<NodeId>;
  learners: Set<NodeId>;
  learnersNext: Set<NodeId>;
  autoLeave: boolean;
}

export function isJoint(config: TrackerConfig): boolean {
  return config.outgoing.length > 0;
}

/** True when the change goes through a joint configuration (an empty change leaves one instead). */
export function entersJoint(change: ConfChange): boolean {
  return change.changes.length > 0 && (change.transition !== "auto" || change.changes.length > 1);
}

/** Applies `change` to `config`: the new configuration, or why the change is invalid. */
export function changeConfig(config: TrackerConfig, change: ConfChange): TrackerConfig | ConfChangeRefusal {
  if (change.changes.length === 0) return leaveJoint(config);
  if (entersJoint(change)) return enterJoint(config, change);
  return simpleChange(config, change);
}

function enterJoint(config: TrackerConfig, change: ConfChange): TrackerConfig | ConfChangeRefusal {
  if (isJoint(config)) return "config is already joint";
  if (config.incoming.length === 0) return "can't make a zero-voter config joint";
  const draft = draftOf(config);
  draft.outgoing = new Set(config.incoming);
  const refusal = applyChanges(draft, change);
  if (refusal !== null) return refusal;
  draft.autoLeave = change.transition !== "joint-explicit";
  return configOf(draft);
}

function leaveJoint(config: TrackerConfig): TrackerConfig | ConfChangeRefusal {
  if (!isJoint(config)) return "can't leave a non-joint config";
  const draft = draftOf(config);
  for (const id of draft.learnersNext) draft.learners.add(id);
  draft.learnersNext.clear();
  draft.outgoing.clear();
  draft.autoLeave = false;
  return configOf(draft);
}

function simpleChange(config: TrackerConfig, change: ConfChange): TrackerConfig | ConfChangeRefusal {
  if (isJoint(config)) return "can't apply simple config change in joint config";
  const draft = draftOf(config);
  const refusal = applyChanges(draft, change);
  if (refusal !== null) return refusal;
  let changed = 0;
  for (const id of config.incoming) if (!draft.incoming.has(id)) changed++;
  for (const id of draft.incoming) if (!config.incoming.includes(id)) changed++;
  if (changed > 1) return "more than one voter changed without entering joint config";
  return configOf(draft);
}

function applyChanges(draft: Draft, change: ConfChange): ConfChangeRefusal | null {
  for (const single of change.changes) {
    assert(typeof single.node === "string" && single.node.length > 0, "a conf change names a node");
    switch (single.type) {
      case "add-node":
        makeVoter(draft, single.node);
        break;
      case "add-learner":
        makeLearner(draft, single.node);
        break;
      case "remove-node":
        remove(draft, single.node);
        break;
      default:
        assertNever(single.type, "conf change type");
    }
  }
  return draft.incoming.size === 0 ? "removed all voters" : null;
}

function isTracked(draft: Draft, id: NodeId): boolean {
  return draft.incoming.has(id) || draft.outgoing.has(id) || draft.learners.has(id);
}

function makeVoter(draft: Draft, id: NodeId): void {
  draft.learners.delete(id);
  draft.learnersNext.delete(id);
  draft.incoming.add(id);
}

function makeLearner(draft: Draft, id: NodeId): void {
  if (draft.learners.has(id)) return;
  const tracked = isTracked(draft, id);
  remove(draft, id);
  if (tracked && draft.outgoing.has(id)) draft.learnersNext.add(id);
  else draft.learners.add(id);
}

function remove(draft: Draft, id: NodeId): void {
  draft.incoming.delete(id);
  draft.learners.delete(id);
  draft.learnersNext.delete(id);
}

function draftOf(config: TrackerConfig): Draft {
  return {
    incoming: new Set(config.incoming),
    outgoing: new Set(config.outgoing),
    learners: new Set(config.learners),
    learnersNext: new Set(config.learnersNext),
    autoLeave: config.autoLeave,
  };
}

function sorted(ids: Iterable<NodeId>): NodeId[] {
  return [...ids].sort();
}

function configOf(draft: Draft): TrackerConfig {
  const config: TrackerConfig = {
    incoming: sorted(draft.incoming),
    outgoing: sorted(draft.outgoing),
    learners: sorted(draft.learners),
    learnersNext: sorted(draft.learnersNext),
    autoLeave: draft.autoLeave,
  };
  assertConfigInvariants(config);
  return config;
}

/** learnersNext ⊆ outgoing; learners are no voters; a non-joint config has no outgoing half. */
export function assertConfigInvariants(config: TrackerConfig): void {
  for (const id of config.learnersNext) {
    assert(config.outgoing.includes(id), `${id} is in learnersNext but not an outgoing voter`);
    assert(!config.learners.includes(id), `${id} is in learnersNext and learners`);
  }
  for (const id of config.learners) {
    assert(!config.incoming.includes(id) && !config.outgoing.includes(id), `${id} is a learner and a voter`);
  }
  if (!isJoint(config)) {
    assert(config.learnersNext.length === 0, "learnersNext is empty outside a joint config");
    assert(!config.autoLeave, "autoLeave is false outside a joint config");
  }
}

export function confStateOf(config: TrackerConfig): ConfState {
  return {
    voters: config.incoming,
    learners: config.learners,
    votersOutgoing: config.outgoing,
    learnersNext: config.learnersNext,
    autoLeave: config.autoLeave,
  };
}

export function configOfConfState(confState: ConfState): TrackerConfig {
  const draft: Draft = {
    incoming: new Set(confState.voters),
    outgoing: new Set(confState.votersOutgoing),
    learners: new Set(confState.learners),
    learnersNext: new Set(confState.learnersNext),
    autoLeave: confState.autoLeave,
  };
  return configOf(draft);
}

/** Every node the configuration tracks (voters of both halves and learners), sorted. */
export function trackedIds(config: TrackerConfig): NodeId[] {
  return sorted(new Set([...config.incoming, ...config.outgoing, ...config.learners]));
}
