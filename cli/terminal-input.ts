import type { Input } from "./cli-context.js";

/**
 * The process's stdin as an Input: read whole when piped, or asked on the
 * terminal, with typed characters not echoed when `hidden` (for tokens).
 */
export function terminalInput(stdin: NodeJS.ReadStream, prompts: NodeJS.WriteStream): Input {
  return {
    isTTY: stdin.isTTY === true,
    async readAll() {
      const chunks: Buffer[] = [];
      for await (const chunk of stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
      return Buffer.concat(chunks).toString("utf8");
    },
    prompt(question, { hidden }) {
      return new Promise((resolve, reject) => {
        prompts.write(question);
        let answer = "";
        stdin.setEncoding("utf8");
        if (hidden) stdin.setRawMode(true);
        const finish = (error?: Error) => {
          stdin.off("data", onData);
          if (hidden) stdin.setRawMode(false);
          stdin.pause();
          prompts.write("\n");
          if (error) reject(error);
          else resolve(answer);
        };
        const onData = (data: string) => {
          for (const ch of data) {
            if (ch === "\r" || ch === "\n") return finish();
            if (ch === "\u0003") return finish(new Error("interrupted"));
            if (ch === "\u007f" || ch === "\b") answer = answer.slice(0, -1);
            else answer += ch;
          }
        };
        stdin.on("data", onData);
        stdin.resume();
      });
    },
  };
}
