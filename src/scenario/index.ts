/**
 * The scenario language with every cluster kind registered. Import this module (not the parts) to
 * load and run scenarios.
 */
import "./kernel-steps.js";
import "./pingpong-cluster.js";
import "./etcd-cluster.js";
import "./raft-steps.js";
import "./fuzz-steps.js";
import "./kube-steps.js";
import "./shell-steps.js";

export { loadScenarioFile, parseScenario, type Scenario } from "./scenario.js";
export { runScenario, type RunResult } from "./runner.js";
