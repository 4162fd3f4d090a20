/**
 * Candidates and pre-candidates (one step function for both, as in etcd): count the answers to
 * this node's requests, and give way to a leader of the current term.
 */
import { assertionFailed, assertNever } from "./assert.js";
import { handleAppendEntries, handleHeartbeat, handleSnapshot } from "./follower.js";
import { broadcastAppend } from "./leader.js";
import type { Raft } from "./raft.js";
import type { Message } from "./types.js";

export function stepCandidate(raft: Raft, message: Message): void {
  switch (message.type) {
    case "MsgProp":
      raft.dropProposal(message.from, "no leader");
      return;
    case "MsgApp":
      raft.becomeFollower(message.term, message.from, "leader found", message.from);
      handleAppendEntries(raft, message);
      return;
    case "MsgHeartbeat":
      raft.becomeFollower(message.term, message.from, "leader found", message.from);
      handleHeartbeat(raft, message);
      return;
    case "MsgSnap":
      raft.becomeFollower(message.term, message.from, "leader found", message.from);
      handleSnapshot(raft, message);
      return;
    case "MsgVoteResp":
    case "MsgPreVoteResp":
      handleVoteResponse(raft, message);
      return;
    case "MsgBeat":
    case "MsgCheckQuorum":
    case "MsgUnreachable":
    case "MsgSnapStatus":
    case "MsgAppResp":
    case "MsgHeartbeatResp":
    case "MsgTransferLeader":
    case "MsgTimeoutNow":
    case "MsgReadIndex":
    case "MsgReadIndexResp":
      // No leader to forward to; leftovers of an earlier leadership.
      return;
    case "MsgHup":
    case "MsgVote":
    case "MsgPreVote":
      assertionFailed(`${message.type} is handled before the role's step function`);
    default:
      assertNever(message.type, "message type");
  }
}

/** Counts an answer to this node's own candidacy (a pre-candidate ignores MsgVoteResp and vice versa). */
function handleVoteResponse(raft: Raft, message: Message): void {
  const preCandidate = raft.role === "pre-candidate";
  if (message.type !== (preCandidate ? "MsgPreVoteResp" : "MsgVoteResp")) return;
  const result = raft.poll(message.from, preCandidate ? "pre-vote" : "vote", !message.reject);
  if (result === "won") {
    if (preCandidate) {
      raft.campaign("election");
    } else {
      raft.becomeLeader();
      broadcastAppend(raft);
    }
  } else if (result === "lost") {
    // A rejected pre-vote carries a term we may not have reached: stay in ours.
    raft.becomeFollower(raft.term, null, preCandidate ? "lost pre-election" : "lost election", null);
  }
}
