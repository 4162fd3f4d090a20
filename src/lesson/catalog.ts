/**
 * The lessons shipped in a directory (`lessons/*.md`), in their `order`, and finding one by name
 * with a did-you-mean hint.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { closest } from "../scenario/words.js";
import { InputError } from "../sim/errors.js";
import { type Lesson, loadLessonFile } from "./lesson.js";

/** Every lesson of `directory`, by `order` then name. */
export function loadCatalog(directory: string): Lesson[] {
  let files: string[];
  try {
    files = readdirSync(directory).filter((file) => file.endsWith(".md"));
  } catch (error) {
    throw new InputError(`cannot read the lessons directory '${directory}' (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  const lessons = files.sort().map((file) => loadLessonFile(join(directory, file), `lessons/${file}`));
  return lessons.sort((left, right) => left.order - right.order || (left.name < right.name ? -1 : left.name > right.name ? 1 : 0));
}

/** The lesson called `name`, or one clear error naming the nearest lesson. */
export function findLesson(lessons: readonly Lesson[], name: string): Lesson {
  const found = lessons.find((lesson) => lesson.name === name);
  if (found !== undefined) return found;
  const hint = closest(name, lessons.map((lesson) => lesson.name));
  throw new InputError(`unknown lesson '${name}'${hint ? `: did you mean '${hint}'?` : ""} (see 'etcdlab lesson --list')`);
}

/** The lesson list: one line per lesson, `  NAME  TITLE`, names padded to one column. */
export function catalogLines(lessons: readonly Lesson[]): string[] {
  const width = Math.max(0, ...lessons.map((lesson) => lesson.name.length));
  return lessons.map((lesson) => `  ${lesson.name.padEnd(width)}  ${lesson.title}`);
}
