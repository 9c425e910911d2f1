// A throw-away model repository on disk (<root>/<model>/<version>/model.onnx plus configs) for end-to-end tests.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface AddModelOptions {
  /** Version directories to write the same bytes into (default [1]). */
  readonly versions?: readonly number[];
  /** Text of <model>/config.yaml. */
  readonly configYaml?: string;
  /** Text of <model>/config.pbtxt (Triton). */
  readonly configPbtxt?: string;
}

export class TempRepository {
  /** Parent of the repository; also holds a state directory for the server. */
  readonly dir: string;
  readonly root: string;
  readonly stateDir: string;

  constructor(prefix: string) {
    this.dir = mkdtempSync(join(tmpdir(), `tessera-${prefix}-`));
    this.root = join(this.dir, 'repo');
    this.stateDir = join(this.dir, 'state');
    mkdirSync(this.root);
  }

  /** Writes `bytes` (an ONNX model, or deliberately anything else) as the model's model.onnx. */
  addModel(name: string, bytes: Uint8Array, o: AddModelOptions = {}): this {
    const modelDir = join(this.root, name);
    for (const v of o.versions ?? [1]) {
      mkdirSync(join(modelDir, String(v)), { recursive: true });
      writeFileSync(join(modelDir, String(v), 'model.onnx'), bytes);
    }
    if (o.configYaml !== undefined) writeFileSync(join(modelDir, 'config.yaml'), o.configYaml);
    if (o.configPbtxt !== undefined) writeFileSync(join(modelDir, 'config.pbtxt'), o.configPbtxt);
    return this;
  }

  /** Writes an arbitrary file under the repository (for inputs of CLI commands and the like). */
  writeFile(relativePath: string, bytes: Uint8Array | string): string {
    const path = join(this.dir, relativePath);
    writeFileSync(path, bytes);
    return path;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
