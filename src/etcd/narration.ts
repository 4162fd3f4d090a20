/**
 * Raft events in plain words, for the trace, the transcript and the terminal UI:
 * "n2 rejected n3's vote for term 4: n3's log is not as up to date as n2's".
 */
import type { RaftEvent } from "../raft/events.js";
import { assertNever } from "../sim/errors.js";

export function narrateRaftEvent(node: string, event: RaftEvent): string {
  switch (event.type) {
    case "election-timeout":
      return `${node}'s election timer fired after ${event.timeoutTicks} ticks without hearing from a leader (term ${event.term})`;
    case "campaign-refused":
      return `${node} may not campaign in term ${event.term}: ${event.reason === "not promotable" ? "it is a learner or not a member" : "it has configuration changes not yet applied"}`;
    case "became-follower":
      return `${node} is a follower in term ${event.term}${event.lead ? ` with leader ${event.lead}` : ""} (${followerReason(event.reason, event.from)})`;
    case "became-pre-candidate":
      return `${node} becomes pre-candidate: it asks for pre-votes for term ${event.term + 1} without raising its term ${event.term}`;
    case "became-candidate":
      return event.transfer
        ? `${node} becomes candidate for term ${event.term} at once: the leader is handing leadership over to it`
        : `${node} becomes candidate for term ${event.term}, votes for itself and asks the others for votes`;
    case "became-leader":
      return `${node} becomes leader of term ${event.term}; it appends an empty entry to commit in its own term`;
    case "vote-granted":
      return `${node} grants its ${event.kind} to ${event.candidate} for term ${event.term}`;
    case "vote-rejected":
      return `${node} rejects ${event.candidate}'s ${event.kind} for term ${event.term}: ${voteRejection(event.reason, event.candidate, node, event.votedFor)}`;
    case "vote-counted":
      return `${node} counts ${event.voter}'s ${event.kind} (${event.granted ? "granted" : "rejected"}): ${event.grantedCount} granted, ${event.rejectedCount} rejected${event.result === "pending" ? "" : `: ${event.result === "won" ? "a majority, it wins" : "it loses"}`}`;
    case "entries-appended":
      return event.firstIndex === event.lastIndex
        ? `${node} appends entry ${event.firstIndex} (term ${event.term}) to its log`
        : `${node} appends entries ${event.firstIndex}-${event.lastIndex} (term ${event.term}) to its log`;
    case "entries-truncated":
      return `${node} drops its entries ${event.conflictIndex}-${event.removedLastIndex}: the leader's entry ${event.conflictIndex} has term ${event.incomingTerm}, not ${event.existingTerm}`;
    case "append-rejected":
      return `${node} rejects ${event.leader}'s append after entry ${event.index} (term ${event.logTerm}): its log does not match there; hint: index ${event.hintIndex}, term ${event.hintTerm}`;
    case "commit-advanced":
      return `${node}'s commit index advances from ${event.from} to ${event.to}`;
    case "progress-changed":
      return `${node} tracks ${event.peer} as ${event.to} (was ${event.from}); match ${event.match}, next ${event.next}`;
    case "snapshot-sent":
      return `${node} sends ${event.to} a snapshot at index ${event.index} (term ${event.term}): the entries it needs are compacted away`;
    case "snapshot-restored":
      return `${node} restores the snapshot from ${event.from} at index ${event.index} (term ${event.term})`;
    case "snapshot-ignored":
      return `${node} ignores ${event.from}'s snapshot at index ${event.index}: ${event.reason}`;
    case "leader-transfer-started":
      return `${node} hands leadership over to ${event.to}${event.immediate ? " (it is caught up: TimeoutNow sent)" : " once it has caught up"}`;
    case "leader-transfer-aborted":
      return `${node}'s leadership transfer to ${event.to} is aborted: ${event.reason}`;
    case "read-index-postponed":
      return `${node} holds ${event.requester}'s read until it has committed an entry of its own term`;
    case "read-index-served":
      return `${node} answers ${event.requester}'s read at index ${event.index} (${readConfirmation(event.confirmation)})`;
    case "proposal-dropped":
      return `${node} drops ${event.proposer}'s proposal: ${event.reason}`;
    case "conf-change-applied":
      return `${node} applies a membership change: voters ${event.confState.voters.join(" ") || "(none)"}${event.confState.learners.length > 0 ? `, learners ${event.confState.learners.join(" ")}` : ""}${event.confState.votersOutgoing.length > 0 ? ` (joint with ${event.confState.votersOutgoing.join(" ")})` : ""}`;
    case "message-ignored":
      return `${node} ignores a ${event.messageType} from ${event.from} of old term ${event.messageTerm}`;
    default:
      return assertNever(event, "raft event");
  }
}

function followerReason(reason: string, from: string | null): string {
  switch (reason) {
    case "higher term":
      return from ? `${from} has a higher term` : "a higher term was seen";
    case "check-quorum: quorum not active":
      return "check-quorum: it has not heard from a majority for an election timeout, so it steps down";
    default:
      return reason;
  }
}

function voteRejection(reason: string, candidate: string, node: string, votedFor: string | null): string {
  switch (reason) {
    case "candidate log not up to date":
      return `${candidate}'s log is not as up to date as ${node}'s`;
    case "already voted":
      return `it already voted for ${votedFor ?? "another candidate"} in this term`;
    case "lease not expired":
      return "it heard from the leader less than an election timeout ago (leader stickiness)";
    default:
      return reason;
  }
}

function readConfirmation(confirmation: string): string {
  switch (confirmation) {
    case "quorum":
      return "a majority confirmed it is still leader";
    case "lease":
      return "its leader lease is still valid";
    case "singleton":
      return "it is the only voter";
    case "unconfirmed":
      return "WITHOUT confirming it is still leader";
    default:
      return "through the leader";
  }
}
