/**
 * Narration: every trace event as one plain-English sentence, for the UI's narration line and the
 * transcript ("n2 won the election for term 3 with votes from a majority (2 of 3)"); a compact label
 * for the timeline's rows ("n2 → leader t3"); and which events are notable (the stops of `]`/`[`).
 *
 * `narrate` reads the view state after the event for what the event itself does not say: the member
 * list (whom a candidate asks for votes), a member's role (who commits), a candidate's tally. Events
 * this UI does not know are told with their own `text` when they carry one, else field by field.
 */
import type { ClusterEvent, LogEntryRef } from "../etcd/events.js";
import { assertNever } from "../sim/errors.js";
import type { Fault } from "../sim/faults.js";
import { describePartition, type PartitionSpec } from "../sim/network.js";
import { formatDuration, type Micros, MICROS_PER_SECOND } from "../sim/time.js";
import type { SimEvent, TypedEvent } from "../sim/trace.js";
import { classify, describeFields, type ExpectationEvent, isCompactionType, isConflictType, messageLabel, messageWords } from "./events.js";
import { findMember, type ViewState } from "./view-state.js";

/** Virtual time in seconds with every microsecond: 1234567 → "1.234567s". */
export function formatTime(time: Micros): string {
  const whole = Math.floor(time / MICROS_PER_SECOND);
  return `${whole}.${String(time - whole * MICROS_PER_SECOND).padStart(6, "0")}s`;
}

/** "n1", "n1 and n3", "n1, n3 and n4". */
export function listNames(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? "";
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1] as string}`;
}

/** "5" or "5–7". */
function span(first: number, last: number): string {
  return first === last ? String(first) : `${first}–${last}`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/** "entries 5–6 (term 2)", "entries 4–6 (terms 2–3)", "entry 5 (term 3, c1#7)". */
function entriesWords(entries: readonly LogEntryRef[]): string {
  const first = entries[0] as LogEntryRef;
  const last = entries[entries.length - 1] as LogEntryRef;
  if (entries.length === 1) return `entry ${first.index} (term ${first.term}, ${entryIdWords(first.id)})`;
  let low = first.term;
  let high = first.term;
  for (const entry of entries) {
    low = Math.min(low, entry.term);
    high = Math.max(high, entry.term);
  }
  return `entries ${span(first.index, last.index)} (${low === high ? `term ${low}` : `terms ${low}–${high}`})`;
}

/** One sentence for the `index`-th event at `time`; `after` is the view state once it is applied. */
export function narrate(event: TypedEvent, time: Micros, after: ViewState): string {
  const known = classify(event);
  if (known === undefined) return typeof event.text === "string" ? event.text : `${event.type}: ${describeFields(event)}`;
  switch (known.type) {
    case "net.send":
    case "net.deliver":
    case "net.drop":
    case "net.duplicate":
      return narrateNetwork(known, time);
    case "fault":
      return narrateFault(known.fault, after.members);
    case "disk.fsync":
      return `${known.node}'s disk finishes an fsync that took ${formatDuration(known.latencyUs)}`;
    case "note":
      return known.text;
    case "node.start":
    case "raft.role":
    case "raft.append":
    case "raft.truncate":
    case "raft.hardstate":
    case "raft.snapshot":
    case "raft.persist":
    case "raft.commit":
    case "raft.apply":
    case "raft.progress":
    case "raft.event":
      return narrateRaft(known, after);
    case "client.invoke":
      return `${known.client} sends request ${known.op} to ${known.endpoint}: ${known.summary}`;
    case "client.return":
      return narrateReturn(known);
    case "violation":
      return `SAFETY VIOLATION: ${known.kind}: ${known.detail}`;
    case "expectation":
      return narrateExpectation(known);
    default:
      return assertNever(known, "event");
  }
}

type NetworkEvent = Extract<SimEvent, { type: "net.send" | "net.deliver" | "net.drop" | "net.duplicate" }>;

function narrateNetwork(event: NetworkEvent, time: Micros): string {
  const message = messageWords(event.message);
  switch (event.type) {
    case "net.send":
      return `${event.from} sends ${message} to ${event.to}, due in ${formatDuration(event.deliverAt - time)}`;
    case "net.deliver":
      return `${event.to} receives ${message} from ${event.from}`;
    case "net.duplicate":
      return `the network duplicates ${message} from ${event.from} to ${event.to}: ${event.to} will receive it twice`;
    case "net.drop":
      switch (event.reason) {
        case "loss":
          return `the network loses ${message} from ${event.from} to ${event.to}`;
        case "partition":
          return `the partition drops ${message} from ${event.from} to ${event.to}: they are cut off from each other`;
        case "crashed":
          return `${message} from ${event.from} to ${event.to} is dropped: ${event.to} has crashed`;
        case "unknown-address":
          return `${message} from ${event.from} to ${event.to} is dropped: no actor has the address ${event.to}`;
        default:
          return assertNever(event.reason, "drop reason");
      }
    default:
      return assertNever(event, "network event");
  }
}

function narratePartition(spec: PartitionSpec, members: readonly string[]): string {
  const text = describePartition(spec, members);
  switch (spec.kind) {
    case "isolate":
      return `the network cuts ${spec.node} off from everyone (${text})`;
    case "split":
    case "groups":
      return `the network is partitioned (${text}): nodes on different sides cannot talk`;
    case "bridge":
      return `the network is partitioned (${text}): the two sides cannot talk, but ${spec.bridge} talks to both`;
    case "ring":
      return `the network becomes a ${text}: each node reaches only its nearest neighbours, yet each sees a majority`;
    case "one-way":
      return `the network cuts one way (${text}): messages from ${listNames(spec.from)} to ${listNames(spec.to)} are dropped, the reverse flows`;
    default:
      return assertNever(spec, "partition");
  }
}

function narrateFault(fault: Fault, members: readonly string[]): string {
  switch (fault.kind) {
    case "crash":
      return `${fault.node} crashes: it loses everything not yet on its disk, and messages sent to it are dropped`;
    case "restart":
      return `${fault.node} restarts and recovers its state from its disk`;
    case "pause":
      return `${fault.node} is frozen: its timers and messages are held until it resumes`;
    case "resume":
      return `${fault.node} resumes: the timers and messages held while it was frozen run now`;
    case "partition": {
      const universe = [...members];
      for (const name of partitionNames(fault.partition)) if (!universe.includes(name)) universe.push(name);
      return narratePartition(fault.partition, universe);
    }
    case "heal":
      return "the network heals: every node can reach every other again";
    case "slow-disk":
      return fault.factor === 1
        ? `${fault.node}'s disk is back to normal speed`
        : `${fault.node}'s disk becomes ${fault.factor}x slower: each fsync takes ${fault.factor} times as long, so its writes stay pending longer`;
    case "drift":
      if (fault.rate === 1) return `${fault.node}'s clock is back to the normal rate`;
      return `${fault.node}'s clock runs at ${fault.rate}x: its timers fire ${fault.rate < 1 ? "late" : "early"} against virtual time`;
    case "network":
      return `the network changes: loss ${fault.lossPpm / 10_000}%, duplication ${fault.duplicatePpm / 10_000}%, reordering ${fault.reorderPpm / 10_000}%`;
    default:
      return assertNever(fault, "fault");
  }
}

function partitionNames(spec: PartitionSpec): string[] {
  switch (spec.kind) {
    case "isolate":
      return [spec.node];
    case "split":
      return [...spec.minority];
    case "bridge":
      return [...spec.left, spec.bridge, ...spec.right];
    case "ring":
      return [...spec.order];
    case "one-way":
      return [...spec.from, ...spec.to];
    case "groups":
      return spec.groups.flat();
    default:
      return assertNever(spec, "partition");
  }
}

type RaftEvent = Extract<ClusterEvent, { node: string }>;

function narrateRaft(event: RaftEvent, after: ViewState): string {
  const node = event.node;
  switch (event.type) {
    case "node.start":
      if (event.term === 0 && event.lastIndex === 0 && event.snapshotIndex === 0) return `${node} starts with an empty log at term 0`;
      return `${node} starts and recovers from its disk: term ${event.term}, ${event.vote ? `vote ${event.vote}` : "no vote"}, commit ${event.commit}, log up to index ${event.lastIndex}${event.snapshotIndex > 0 ? `, snapshot at index ${event.snapshotIndex}` : ""}`;
    case "raft.role":
      return narrateRole(event, after);
    case "raft.append":
      if (event.entries.length === 0) return `${node} writes no new entries (batch ${event.batch})`;
      return `${node} appends ${entriesWords(event.entries)} to its log; not durable until its disk confirms batch ${event.batch}`;
    case "raft.truncate":
      if (event.removed.length === 0) return `${node} cuts its log back to index ${event.lastIndex}`;
      return `${node} drops ${entriesWords(event.removed)} that conflict with the leader's log`;
    case "raft.hardstate":
      return `${node} writes its hard state: term ${event.term}, ${event.vote ? `vote ${event.vote}` : "no vote"}, commit ${event.commit} (batch ${event.batch}, not durable yet)`;
    case "raft.snapshot":
      return `${node} installs a snapshot up to index ${event.index} (term ${event.term}): its log now starts after index ${event.index}`;
    case "raft.persist":
      return `${node}'s disk confirms batch ${event.batch}: everything it wrote up to then is durable`;
    case "raft.commit": {
      const role = findMember(after, node)?.role ?? "unknown";
      if (role === "leader") return `${node} (leader, term ${event.term}) commits up to index ${event.commit}: a majority has stored it`;
      return `${node} (${role === "unknown" ? "" : `${role}, `}term ${event.term}) learns that entries up to index ${event.commit} are committed`;
    }
    case "raft.apply":
      return `${node} applies entry ${event.index} (term ${event.term}, ${entryIdWords(event.id)}) to its state machine`;
    case "raft.progress":
      return narrateProgress(event);
    case "raft.event":
      return event.text;
    default:
      return assertNever(event, "raft event");
  }
}

function entryIdWords(id: string): string {
  if (id === "noop") return "the new leader's empty entry";
  if (id === "conf") return "a configuration change";
  return id;
}

function narrateRole(event: Extract<ClusterEvent, { type: "raft.role" }>, after: ViewState): string {
  const node = event.node;
  const others = after.members.filter((name) => name !== node);
  const askWhom = others.length > 0 ? listNames(others) : "the other members";
  switch (event.role) {
    case "candidate":
      if (event.reason.includes("transfer")) return `${node} is handed leadership: it becomes candidate for term ${event.term} at once and asks ${askWhom} for votes`;
      return `${node}'s election timer fired: it becomes candidate for term ${event.term} and asks ${askWhom} for votes`;
    case "pre-candidate":
      return `${node}'s election timer fired: it becomes pre-candidate and asks ${askWhom} whether they would vote for it in term ${event.term + 1} (a pre-vote: its term stays ${event.term})`;
    case "leader": {
      const votes = findMember(after, node)?.votes;
      const size = after.members.length;
      const majority = Math.floor(size / 2) + 1;
      const tally = votes !== null && votes !== undefined && votes.term === event.term && votes.granted >= majority ? ` (${votes.granted} of ${size})` : "";
      return `${node} won the election for term ${event.term} with votes from a majority${tally}`;
    }
    case "follower":
      return `${node} becomes a follower in term ${event.term}${event.lead ? `, following leader ${event.lead}` : ", with no leader known yet"}${event.reason ? ` (${event.reason})` : ""}`;
    default:
      return assertNever(event.role, "role");
  }
}

function narrateProgress(event: Extract<ClusterEvent, { type: "raft.progress" }>): string {
  const { node, peer, match, next } = event;
  switch (event.state) {
    case "probe":
      return `${node} probes ${peer}'s log: match ${match}, next ${next} (one append at a time until their logs agree)`;
    case "replicate":
      return `${node} replicates to ${peer}: match ${match}, next ${next}, ${plural(event.inflight, "append")} in flight`;
    case "snapshot":
      return `${node} must send ${peer} a snapshot: ${peer} needs entries ${node} has compacted away (match ${match}, next ${next})`;
    default:
      return assertNever(event.state, "progress state");
  }
}

function narrateReturn(event: Extract<ClusterEvent, { type: "client.return" }>): string {
  switch (event.outcome) {
    case "ok":
      return `${event.client}'s request ${event.op} succeeded: ${event.summary}`;
    case "fail":
      return `${event.client}'s request ${event.op} failed: ${event.summary}`;
    case "unknown":
      return `${event.client} gave up waiting for request ${event.op} (it may or may not have taken effect): ${event.summary}`;
    default:
      return assertNever(event.outcome, "outcome");
  }
}

function narrateExpectation(event: ExpectationEvent): string {
  const location = typeof event.where === "string" ? ` [${event.where}]` : typeof event.position === "string" ? ` [scenario ${event.position}]` : "";
  return `${event.passed ? "check passed" : "CHECK FAILED"} (${event.kind}): ${event.detail}${location}`;
}

/** A compact label for a timeline row: "n2 → leader t3", "send MsgApp t3 n1→n2". */
export function summarize(event: TypedEvent): string {
  const known = classify(event);
  if (known === undefined) return `${event.type} ${describeFields(event)}`.trim();
  switch (known.type) {
    case "net.send":
      return `send ${messageLabel(known.message)} ${known.from}→${known.to}`;
    case "net.deliver":
      return `recv ${messageLabel(known.message)} ${known.from}→${known.to}`;
    case "net.drop":
      return `drop ${messageLabel(known.message)} ${known.from}→${known.to} (${known.reason})`;
    case "net.duplicate":
      return `dup  ${messageLabel(known.message)} ${known.from}→${known.to}`;
    case "fault":
      return `fault: ${known.text}`;
    case "disk.fsync":
      return `${known.node} fsync ${formatDuration(known.latencyUs)}`;
    case "note":
      return `note: ${known.text}`;
    case "node.start":
      return `${known.node} start t${known.term} commit ${known.commit} last ${known.lastIndex}`;
    case "raft.role":
      return `${known.node} → ${known.role} t${known.term}`;
    case "raft.append": {
      const first = known.entries[0];
      const last = known.entries[known.entries.length - 1];
      return first === undefined || last === undefined ? `${known.node} append nothing` : `${known.node} append ${span(first.index, last.index)} t${last.term} (batch ${known.batch})`;
    }
    case "raft.truncate":
      return `${known.node} truncate after ${known.lastIndex} (${known.removed.length} dropped)`;
    case "raft.hardstate":
      return `${known.node} hardstate t${known.term} vote ${known.vote || "-"} commit ${known.commit}`;
    case "raft.snapshot":
      return `${known.node} snapshot @${known.index} t${known.term}`;
    case "raft.persist":
      return `${known.node} persist batch ${known.batch}`;
    case "raft.commit":
      return `${known.node} commit ${known.commit} t${known.term}`;
    case "raft.apply":
      return `${known.node} apply ${known.index} t${known.term} ${known.id}`;
    case "raft.progress":
      return `${known.node} progress ${known.peer} ${known.state} m${known.match} n${known.next}`;
    case "raft.event":
      return known.text;
    case "client.invoke":
      return `${known.client} → ${known.endpoint} #${known.op} ${known.summary}`;
    case "client.return":
      return `${known.client} ← #${known.op} ${known.outcome} ${known.summary}`;
    case "violation":
      return `VIOLATION ${known.kind}: ${known.detail}`;
    case "expectation":
      return `${known.passed ? "check ok" : "CHECK FAILED"} ${known.kind}: ${known.detail}`;
    default:
      return assertNever(known, "event");
  }
}

/**
 * The events `]` and `[` stop at: a member becoming leader or candidate, a commit, a fault, a
 * violation, a client request that failed or whose outcome is unknown, a failed check, a
 * compaction, a conflict (409).
 */
export function isNotable(event: TypedEvent): boolean {
  const known = classify(event);
  if (known === undefined) return isConflictType(event.type) || isCompactionType(event.type);
  switch (known.type) {
    case "raft.role":
      return known.role === "leader" || known.role === "candidate";
    case "raft.commit":
    case "fault":
    case "violation":
      return true;
    case "client.return":
      return known.outcome !== "ok";
    case "expectation":
      return !known.passed;
    case "net.send":
    case "net.deliver":
    case "net.drop":
    case "net.duplicate":
    case "disk.fsync":
    case "note":
    case "node.start":
    case "raft.append":
    case "raft.truncate":
    case "raft.hardstate":
    case "raft.snapshot":
    case "raft.persist":
    case "raft.apply":
    case "raft.progress":
    case "raft.event":
    case "client.invoke":
      return false;
    default:
      return assertNever(known, "event");
  }
}
