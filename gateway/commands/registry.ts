// Remote commands (bonin/v1/{station}/cmd, issue #10): each capability registers a handler by
// name here; the command channel (signature, expiry, nonce, reply) looks the name up and runs
// it. Keeping the handlers apart from the channel lets each module own its own command (the
// cameras own `frame`, the nowcast owns `model`) without the uplink knowing any of them.

export interface CommandResult {
  ok: boolean;
  /** what happened, for the reply and the log (a technician reads it) */
  message: string;
  /** run once the reply is out (the broker has it, or after 5 s): e.g. `restart` exits only after answering */
  afterReply?: () => void;
  [detail: string]: unknown;
}

export interface CommandContext {
  /** clock ms when the command is run */
  now: number;
  /** the command's id from its envelope, for replies and logs */
  id: string;
}

export type CommandHandler = (args: Record<string, unknown>, ctx: CommandContext) => CommandResult | Promise<CommandResult>;

export class CommandRegistry {
  private readonly handlers = new Map<string, CommandHandler>();

  register(name: string, handler: CommandHandler): void {
    if (this.handlers.has(name)) throw new Error(`command "${name}" is registered twice`);
    this.handlers.set(name, handler);
  }

  has(name: string): boolean {
    return this.handlers.has(name);
  }

  names(): string[] {
    return [...this.handlers.keys()].sort();
  }

  /** Run a command; an unknown name or a handler that throws is an answer, never a crash. */
  async run(name: string, args: Record<string, unknown>, ctx: CommandContext): Promise<CommandResult> {
    const handler = this.handlers.get(name);
    if (!handler) return { ok: false, message: `unknown command "${name}" (known: ${this.names().join(', ') || 'none'})` };
    try {
      return await handler(args, ctx);
    } catch (err) {
      return { ok: false, message: `command "${name}" failed: ${(err as Error).message}` };
    }
  }
}
