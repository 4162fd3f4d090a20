/**
 * The lesson screen: the replay panes of the lesson's run (cluster, logs, network, timeline,
 * narration) beside or above the lesson's own pane, which tells the story one paragraph at a time,
 * stops at each checkpoint to take the learner's answer, then shows the cluster at the pause, says
 * whether the answer was right and explains it. It ends with the exercise.
 *
 * The walk (`walkLesson`) has already run everything: each run's trace and where each checkpoint
 * paused it. While a question is open the panes show the run as it was at the previous pause (the
 * learner predicts without seeing); once answered, they jump to the pause. Keys: enter continues
 * (or submits the answer), typing writes the answer, backspace deletes, ← and → step through the
 * events shown so far (never past the page's own), escape or q (when no answer is being typed) quits.
 */
import { Box, render, Text, useApp, useInput, useStdout } from "ink";
import { type ReactElement, useMemo, useState } from "react";
import { choiceLetter } from "../../lesson/lesson.js";
import { answerLine, describeSource, isRight } from "../../lesson/transcript.js";
import { type LessonPage, lessonPages, pageView } from "../../lesson/pages.js";
import type { LessonWalk } from "../../lesson/walk.js";
import type { Line } from "../format.js";
import { Timeline } from "../timeline.js";
import { Screen } from "./App.js";

/** Lines of the lesson pane when it sits below the panes. */
export const LESSON_PANE_LINES = 11;
/** From this width on, the lesson pane sits beside the panes. */
export const LESSON_SIDE_COLUMNS = 140;

type Answer = { readonly phase: "asking"; readonly text: string } | { readonly phase: "answered"; readonly given: string; readonly right: boolean };

export interface LessonAppProps {
  readonly walk: LessonWalk;
  readonly colors: boolean;
  readonly exerciseCommand: string;
  readonly columns?: number;
  readonly rows?: number;
}

export function LessonApp(props: LessonAppProps): ReactElement {
  const { walk } = props;
  const { exit } = useApp();
  const { stdout } = useStdout();
  const columns = props.columns ?? (stdout.columns || 80);
  const rows = props.rows ?? (stdout.rows || 24);
  const pages = useMemo(() => lessonPages(walk), [walk]);
  const timelines = useMemo(() => new Map([...walk.runs].map(([name, record]) => [name, Timeline.fromTrace(record.trace)])), [walk]);
  const [pageIndex, setPageIndex] = useState(0);
  const [answer, setAnswer] = useState<Answer>({ phase: "asking", text: "" });
  // An event the learner stepped to with ← and →, at or before the page's own (null: the page's).
  const [look, setLook] = useState<number | null>(null);
  const page = pages[pageIndex] as LessonPage;
  const next = (): void => {
    if (pageIndex + 1 >= pages.length) exit();
    else {
      setPageIndex(pageIndex + 1);
      setAnswer({ phase: "asking", text: "" });
      setLook(null);
    }
  };
  const asking = page.kind === "checkpoint" && answer.phase === "asking";
  const shown = pageView(page, answer.phase === "answered");
  const run = shown.run;
  const timeline = timelines.get(run) as Timeline;
  const pageCursor = Math.min(timeline.length - 1, shown.cursor);
  const cursor = look ?? pageCursor;
  useInput((input, key) => {
    if (key.escape) exit();
    else if (key.leftArrow) setLook(Math.max(0, cursor - 1));
    else if (key.rightArrow) setLook(cursor + 1 >= pageCursor ? null : cursor + 1);
    else if (asking && answer.phase === "asking") {
      if (key.return) {
        if (answer.text.trim() !== "") setAnswer({ phase: "answered", given: answer.text.trim(), right: isRight(page.pause, answer.text) });
      } else if (key.backspace || key.delete) setAnswer({ phase: "asking", text: answer.text.slice(0, -1) });
      else if (/^[A-Za-z0-9.-]$/.test(input)) setAnswer({ phase: "asking", text: answer.text + input });
    } else if (key.return || input === " ") next();
    else if (input === "q") exit();
  });

  const side = columns >= LESSON_SIDE_COLUMNS;
  const paneWidth = side ? Math.floor(columns * 0.38) : columns;
  const screenColumns = side ? columns - paneWidth - 1 : columns;
  const screenRows = side ? rows : Math.max(12, rows - LESSON_PANE_LINES);
  const record = walk.runs.get(run);
  const status: Line = [
    { text: `${walk.lesson.title} `, style: { bold: true } },
    { text: `│ ${run}, seed ${record?.seed ?? "?"} │ ${pageIndex + 1}/${pages.length} │ ${asking ? "type your answer, enter" : "enter continues"}  ← → step  esc quits`, style: { color: "gray" } },
  ];
  return (
    <Box flexDirection={side ? "row" : "column"} gap={side ? 1 : 0}>
      <Box width={screenColumns} flexShrink={0}>
        <Screen timeline={timeline} cursor={cursor} filtered={null} help={false} status={status} colors={props.colors} columns={screenColumns} rows={screenRows} />
      </Box>
      <LessonPane page={page} answer={answer} width={paneWidth} height={side ? rows - 1 : LESSON_PANE_LINES - 1} colors={props.colors} exerciseCommand={props.exerciseCommand} walk={walk} />
    </Box>
  );
}

function LessonPane(props: {
  readonly page: LessonPage;
  readonly answer: Answer;
  readonly width: number;
  readonly height: number;
  readonly colors: boolean;
  readonly exerciseCommand: string;
  readonly walk: LessonWalk;
}): ReactElement {
  const { page, answer, colors } = props;
  const accent = (color: string): { color?: string } => (colors ? { color } : {});
  let body: ReactElement;
  if (page.kind === "text") body = <Text wrap="wrap">{page.text}</Text>;
  else if (page.kind === "exercise") {
    const exercise = props.walk.lesson.exercise;
    body = (
      <>
        <Text bold>Exercise</Text>
        <Text wrap="wrap">{exercise.goal.trim()}</Text>
        <Text wrap="wrap" {...accent("cyan")}>{`Try it: ${props.exerciseCommand}  (enter ends the lesson)`}</Text>
      </>
    );
  } else {
    const checkpoint = page.pause.checkpoint;
    body = (
      <>
        <Text bold wrap="wrap">{`Checkpoint ${page.number}: ${checkpoint.question}`}</Text>
        {(checkpoint.choices ?? []).map((choice, index) => (
          <Text key={index} wrap="wrap">{`  ${choiceLetter(index)}) ${choice}`}</Text>
        ))}
        {answer.phase === "asking" ? (
          <Text>{`your answer${checkpoint.choices === undefined ? "" : " (a letter)"}: ${answer.text}_`}</Text>
        ) : (
          <>
            <Text {...accent(answer.right ? "green" : "red")}>{answer.right ? `✔ Right (${answer.given}).` : `✘ Not quite (you said ${answer.given}).`}</Text>
            <Text wrap="wrap">{`${answerLine(page.pause)} (${describeSource(checkpoint.answerFrom)}: ${page.pause.shown})`}</Text>
            <Text wrap="wrap">{checkpoint.explain.trim()}</Text>
          </>
        )}
      </>
    );
  }
  return (
    <Box flexDirection="column" width={props.width} height={props.height} flexShrink={0} overflow="hidden">
      {body}
    </Box>
  );
}

export interface OpenLessonOptions {
  readonly walk: LessonWalk;
  readonly colors: boolean;
  readonly stdin: NodeJS.ReadableStream;
  readonly exerciseCommand: string;
}

/** Renders the lesson on the terminal until it ends or the learner quits. */
export async function openLessonUi(options: OpenLessonOptions): Promise<void> {
  const instance = render(<LessonApp walk={options.walk} colors={options.colors} exerciseCommand={options.exerciseCommand} />, {
    stdin: options.stdin as NodeJS.ReadStream,
    exitOnCtrlC: true,
    patchConsole: false,
  });
  await instance.waitUntilExit();
}
