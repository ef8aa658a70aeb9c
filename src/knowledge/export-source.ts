import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { strFromU8, unzipSync } from "fflate";
import { SlackExportError } from "./export-schema.ts";

/** Larger files than this inside a zip are refused rather than expanded into memory. */
const MAX_ENTRY_BYTES = 256 * 1024 * 1024;

/** A Slack export, read from a folder or a .zip, as a set of files relative to its root. */
export interface ExportSource {
  kind: "folder" | "zip";
  /** The folder or file name, never the full path (it is stored with the import). */
  name: string;
  /** Every file, relative to the export's root, with "/" separators. */
  files: readonly string[];
  /** The text of these files (paths as listed in `files`). */
  read(paths: readonly string[]): Map<string, string>;
}

/**
 * Open a Slack export: a folder holding `channels.json`, or a `.zip` of one (at its root or inside
 * one top folder).
 * @throws SlackExportError when the path is missing, unreadable or not an export.
 */
export function openExport(path: string): ExportSource {
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(path);
  } catch {
    throw new SlackExportError(`no such file or folder: ${path}`);
  }
  const source = stats.isDirectory()
    ? folderSource(path)
    : path.toLowerCase().endsWith(".zip")
      ? zipSource(path)
      : null;
  if (!source) {
    throw new SlackExportError(`${path} is neither a folder nor a .zip file; give a Slack export`);
  }
  if (!source.files.includes("channels.json")) {
    throw new SlackExportError(`${source.name} has no channels.json; is it a Slack workspace export?`);
  }
  return source;
}

/** The export's own files: the top level and one level of (channel) folders below it. */
function folderSource(root: string): ExportSource {
  const files: string[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (entry.isFile()) files.push(entry.name);
    else if (entry.isDirectory()) {
      for (const inner of readdirSync(join(root, entry.name), { withFileTypes: true })) {
        if (inner.isFile()) files.push(`${entry.name}/${inner.name}`);
      }
    }
  }
  return {
    kind: "folder",
    name: basename(root),
    files: files.sort(),
    read(paths) {
      return new Map(
        paths.map((p) => {
          try {
            return [p, readFileSync(join(root, ...p.split("/")), "utf8")];
          } catch (error) {
            throw new SlackExportError(`cannot read ${p}: ${(error as Error).message}`);
          }
        }),
      );
    },
  };
}

function zipSource(file: string): ExportSource {
  const name = basename(file);
  let data: Uint8Array;
  try {
    data = readFileSync(file);
  } catch (error) {
    throw new SlackExportError(`cannot read ${name}: ${(error as Error).message}`);
  }
  const sizes = new Map<string, number>();
  try {
    // A filter that keeps nothing lists the entries without expanding any.
    unzipSync(data, {
      filter(entry) {
        if (!entry.name.endsWith("/")) sizes.set(entry.name, entry.originalSize);
        return false;
      },
    });
  } catch (error) {
    throw new SlackExportError(`${name} is not a readable zip file (${(error as Error).message})`);
  }
  // Exports zipped by hand often hold one top folder; the root is where channels.json is.
  const manifest = [...sizes.keys()]
    .filter((entry) => entry === "channels.json" || entry.endsWith("/channels.json"))
    .sort((a, b) => a.split("/").length - b.split("/").length)[0];
  const prefix = manifest ? manifest.slice(0, -"channels.json".length) : "";
  const files = [...sizes.keys()]
    .filter((entry) => entry.startsWith(prefix))
    .map((entry) => entry.slice(prefix.length))
    .sort();
  return {
    kind: "zip",
    name,
    files,
    read(paths) {
      const wanted = new Set(paths.map((p) => prefix + p));
      for (const entry of wanted) {
        if ((sizes.get(entry) ?? 0) > MAX_ENTRY_BYTES) {
          throw new SlackExportError(`${name}: ${entry} is larger than ${MAX_ENTRY_BYTES / 2 ** 20} MB`);
        }
      }
      let expanded: Record<string, Uint8Array>;
      try {
        expanded = unzipSync(data, { filter: (entry) => wanted.has(entry.name) });
      } catch (error) {
        throw new SlackExportError(`${name} is not a readable zip file (${(error as Error).message})`);
      }
      return new Map(
        paths.map((p) => {
          const bytes = expanded[prefix + p];
          if (!bytes) throw new SlackExportError(`${name}: ${p} is missing from the zip`);
          return [p, strFromU8(bytes)];
        }),
      );
    },
  };
}
