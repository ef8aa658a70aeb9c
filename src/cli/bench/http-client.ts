import { connect, type Socket } from "node:net";

/**
 * A minimal HTTP/1.1 keep-alive client for timing one call at a time: each request leaves in a
 * single write, like autocannon's. On the 2-core bench machine node:http's client adds about
 * 0.5 ms per call (and undici's Client about as much); that would be the client's time, not the
 * gateway's. Only what the gateway sends is supported: responses with a Content-Length.
 */
export class BenchHttpClient {
  readonly #origin: URL;
  #socket: Socket | undefined;
  #buffer: Buffer = Buffer.alloc(0);
  #waiting:
    | { resolve: (r: { status: number; text: string }) => void; reject: (e: Error) => void }
    | undefined;

  constructor(origin: string) {
    this.#origin = new URL(origin);
  }

  async post(
    path: string,
    headers: Record<string, string>,
    body: string,
  ): Promise<{ status: number; text: string }> {
    const socket = await this.#connected();
    const lines = [`POST ${path} HTTP/1.1`, `host: ${this.#origin.host}`];
    for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
    lines.push(`content-length: ${Buffer.byteLength(body)}`, "", body);
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
      socket.write(lines.join("\r\n"));
    });
  }

  close(): void {
    this.#socket?.destroy();
    this.#socket = undefined;
  }

  async #connected(): Promise<Socket> {
    if (this.#socket) return this.#socket;
    const socket = connect({ host: this.#origin.hostname, port: Number(this.#origin.port), noDelay: true });
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    socket.on("data", (chunk: Buffer) => {
      this.#buffer = this.#buffer.length ? Buffer.concat([this.#buffer, chunk]) : chunk;
      this.#answer();
    });
    const fail = (error: Error) => {
      this.#socket = undefined;
      this.#waiting?.reject(error);
      this.#waiting = undefined;
    };
    socket.on("error", fail);
    socket.on("close", () => fail(new Error("the gateway closed the connection")));
    this.#socket = socket;
    return socket;
  }

  #answer(): void {
    const end = this.#buffer.indexOf("\r\n\r\n");
    if (end < 0 || !this.#waiting) return;
    const head = this.#buffer.subarray(0, end).toString("latin1");
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (!length) {
      this.#waiting.reject(new Error(`response without Content-Length: ${head.split("\r\n")[0]}`));
      this.#waiting = undefined;
      return;
    }
    const bodyEnd = end + 4 + Number(length[1]);
    if (this.#buffer.length < bodyEnd) return;
    const status = Number(head.slice(9, 12));
    const text = this.#buffer.subarray(end + 4, bodyEnd).toString("utf8");
    this.#buffer = this.#buffer.subarray(bodyEnd);
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting.resolve({ status, text });
  }
}
