/**
 * The lesson picker (`etcdlab` alone on a terminal): the lessons in order, ↑ and ↓ move, enter
 * opens the selected one, q or escape leaves. `pickLesson` renders it and resolves with the choice
 * (undefined when the learner left).
 */
import { Box, render, Text, useApp, useInput } from "ink";
import { type ReactElement, useState } from "react";
import type { Lesson } from "../../lesson/lesson.js";

export interface LessonPickerProps {
  readonly lessons: readonly Lesson[];
  readonly colors: boolean;
  readonly onPick: (lesson: Lesson | undefined) => void;
}

export function LessonPicker(props: LessonPickerProps): ReactElement {
  const { exit } = useApp();
  const [selected, setSelected] = useState(0);
  const { lessons } = props;
  useInput((input, key) => {
    if (key.upArrow) setSelected((index) => Math.max(0, index - 1));
    else if (key.downArrow) setSelected((index) => Math.min(lessons.length - 1, index + 1));
    else if (key.return) {
      props.onPick(lessons[selected]);
      exit();
    } else if (input === "q" || key.escape) {
      props.onPick(undefined);
      exit();
    }
  });
  const current = lessons[selected];
  const width = Math.max(0, ...lessons.map((lesson) => lesson.name.length));
  return (
    <Box flexDirection="column">
      <Text bold>etcdlab lessons: ↑ ↓ choose, enter opens, q quits</Text>
      {lessons.map((lesson, index) => (
        <Text key={lesson.name} {...(index === selected && props.colors ? { color: "cyan" } : {})} bold={index === selected}>
          {`${index === selected ? "▸" : " "} ${String(index + 1).padStart(2)}. ${lesson.name.padEnd(width)}  ${lesson.title}`}
        </Text>
      ))}
      <Text wrap="wrap" {...(props.colors ? { color: "gray" } : {})}>
        {current === undefined ? "no lessons" : current.summary}
      </Text>
    </Box>
  );
}

/** Renders the picker on the terminal; resolves with the chosen lesson, or undefined. */
export async function pickLesson(options: { readonly lessons: readonly Lesson[]; readonly colors: boolean; readonly stdin: NodeJS.ReadableStream }): Promise<Lesson | undefined> {
  let picked: Lesson | undefined;
  const instance = render(
    <LessonPicker
      lessons={options.lessons}
      colors={options.colors}
      onPick={(lesson) => {
        picked = lesson;
      }}
    />,
    { stdin: options.stdin as NodeJS.ReadStream, exitOnCtrlC: true, patchConsole: false },
  );
  await instance.waitUntilExit();
  return picked;
}
