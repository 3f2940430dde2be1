// Where nowcast models wait, run and are refused, on the station's disk (issue #7 item 6):
//
//   <models>/incoming/   a new model arrives here: by a file drop (copy the .tflite first,
//                        then the manifest — or rename both into place), or written by the
//                        `cmd` topic handler; checked at the next nowcast run
//   <models>/active/     the adopted model, loaded in preference to the configured one, so
//                        a restart keeps it
//   <models>/previous/   the model active before the last adoption (kept to go back to by hand)
//   <models>/rejected/<time>-<name>/   a refused model, as it arrived, with reason.txt
//
// Moves are renames within one folder tree (one filesystem), so a crash leaves either the old
// or the new layout, never half a model in active/.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/** Rejected models kept for the technician; older ones are deleted. */
const KEEP_REJECTED = 10;

const modelFileOf = (manifestPath: string): string | undefined => {
  try {
    const f = (JSON.parse(readFileSync(manifestPath, 'utf8')) as { model_file?: unknown }).model_file;
    return typeof f === 'string' && /^[\w.-]+$/.test(f) && !f.startsWith('.') ? f : undefined;
  } catch {
    return undefined;
  }
};

export class ModelShelf {
  readonly incoming: string;
  readonly active: string;
  readonly previous: string;
  readonly rejected: string;

  constructor(readonly root: string) {
    this.incoming = join(root, 'incoming');
    this.active = join(root, 'active');
    this.previous = join(root, 'previous');
    this.rejected = join(root, 'rejected');
    for (const d of [this.incoming, this.active, this.rejected]) mkdirSync(d, { recursive: true });
  }

  /**
   * Manifests waiting in incoming/, oldest first. One whose .tflite has not arrived yet is
   * left waiting; one that cannot be read at all is listed (and will be rejected).
   */
  pending(): string[] {
    return readdirSync(this.incoming)
      .filter((f) => f.endsWith('.json'))
      .map((f) => join(this.incoming, f))
      .filter((p) => { const m = modelFileOf(p); return m === undefined || existsSync(join(this.incoming, m)); })
      .sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs);
  }

  /** The adopted model's manifest, or null. */
  activeManifest(): string | null {
    if (!existsSync(this.active)) return null;
    const f = readdirSync(this.active).find((x) => x.endsWith('.json'));
    return f ? join(this.active, f) : null;
  }

  /** Moves a checked model from incoming/ to active/ (the old active one to previous/); returns its new manifest path. */
  adopt(manifestPath: string, modelFile: string): string {
    const staging = join(this.root, '.staging');
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging);
    renameSync(join(this.incoming, modelFile), join(staging, modelFile));
    renameSync(manifestPath, join(staging, basename(manifestPath)));
    rmSync(this.previous, { recursive: true, force: true });
    if (existsSync(this.active)) renameSync(this.active, this.previous);
    renameSync(staging, this.active);
    return join(this.active, basename(manifestPath));
  }

  /** Moves a refused model out of incoming/ with the reason beside it; returns the folder. */
  reject(manifestPath: string, reason: string, at: number): string {
    const dir = join(this.rejected, `${new Date(at).toISOString().replace(/[:.]/g, '-')}-${basename(manifestPath, '.json')}`);
    mkdirSync(dir, { recursive: true });
    const modelFile = modelFileOf(manifestPath);
    if (modelFile && existsSync(join(this.incoming, modelFile))) renameSync(join(this.incoming, modelFile), join(dir, modelFile));
    if (existsSync(manifestPath)) renameSync(manifestPath, join(dir, basename(manifestPath)));
    writeFileSync(join(dir, 'reason.txt'), `${new Date(at).toISOString()} ${reason}\n`);
    const old = readdirSync(this.rejected).sort();
    for (const d of old.slice(0, Math.max(0, old.length - KEEP_REJECTED))) rmSync(join(this.rejected, d), { recursive: true, force: true });
    return dir;
  }

  /**
   * Writes a model received by the `cmd` topic into incoming/: the .tflite first, then the
   * manifest, each renamed into place, so the next run never sees half of it.
   */
  receive(manifestText: string, modelFile: string, bytes: Uint8Array): string {
    if (!/^[\w.-]+\.tflite$/.test(modelFile) || modelFile.startsWith('.')) throw new Error(`model_file ${JSON.stringify(modelFile)} is not a plain .tflite name`);
    const tfl = join(this.incoming, modelFile);
    writeFileSync(`${tfl}.part`, bytes);
    renameSync(`${tfl}.part`, tfl);
    const manifestPath = join(this.incoming, `${basename(modelFile, '.tflite')}.manifest.json`);
    writeFileSync(`${manifestPath}.part`, manifestText);
    renameSync(`${manifestPath}.part`, manifestPath);
    return manifestPath;
  }
}
