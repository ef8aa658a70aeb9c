import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { ImageRef, ImageStore, NewImage } from "../catalog/index.ts";
import type { Sql } from "../db/index.ts";

/** How long an image link works; the image itself lives until retention removes it. */
export const IMAGE_LINK_TTL_SECONDS = 7 * 24 * 3600;
const KEY_NAME = "image-links";

export interface StoredImage {
  id: string;
  mediaType: "image/png";
  data: Buffer;
  createdAt: Date;
}

/**
 * Images in `arthur_images`, linked by signed URLs (`/images/<id>.png?expires=…&signature=…`).
 * The signing key lives in the database so every replica serves every other replica's links.
 */
export class PgImageStore implements ImageStore {
  readonly #sql: Sql;
  readonly #baseUrl: () => string;
  #key: Promise<Buffer> | undefined;

  /** `baseUrl` is read per link: with GATEWAY_PORT=0 the port is known only once listening. */
  constructor(sql: Sql, baseUrl: () => string) {
    this.#sql = sql;
    this.#baseUrl = baseUrl;
  }

  async save(image: NewImage): Promise<ImageRef> {
    const data = Buffer.from(image.png);
    const [row] = await this.#sql<{ id: string }[]>`
      insert into arthur_images (kind, eid, width, height, bytes, sha256, data, created_by, content_key)
      values (${image.kind}, ${image.eid ?? null}, ${image.width}, ${image.height}, ${data.length},
              ${createHash("sha256").update(data).digest("hex")}, ${data}, ${image.createdBy},
              ${image.contentKey ?? null})
      returning id`;
    const id = (row as { id: string }).id;
    return this.#ref(id, image.width, image.height, data.length);
  }

  async reuse(kind: string, contentKey: string): Promise<ImageRef | null> {
    return (await this.findByContent(kind, contentKey))?.ref ?? null;
  }

  /** The newest stored image of this kind and content, with its bytes. */
  async findByContent(kind: string, contentKey: string): Promise<{ ref: ImageRef; png: Buffer } | null> {
    const [row] = await this.#sql<{ id: string; width: number; height: number; data: Buffer }[]>`
      select id, width, height, data from arthur_images
      where kind = ${kind} and content_key = ${contentKey}
      order by created_at desc limit 1`;
    if (!row) return null;
    return { ref: await this.#ref(row.id, row.width, row.height, row.data.length), png: row.data };
  }

  async #ref(id: string, width: number, height: number, bytes: number): Promise<ImageRef> {
    return { id, url: await this.link(id), media_type: "image/png", width, height, bytes };
  }

  /** A signed link to an image, valid for `ttlSeconds`. */
  async link(id: string, ttlSeconds = IMAGE_LINK_TTL_SECONDS, now = Date.now()): Promise<string> {
    const expires = Math.floor(now / 1000) + ttlSeconds;
    const signature = sign(await this.#signingKey(), id, expires);
    return `${this.#baseUrl()}/images/${id}.png?expires=${expires}&signature=${signature}`;
  }

  /** Does this link's signature hold, and is it unexpired? (Pure apart from the key lookup.) */
  async verifyLink(
    id: string,
    expires: string | undefined,
    signature: string | undefined,
    now = Date.now(),
  ): Promise<"valid" | "expired" | "invalid"> {
    if (!expires || !signature || !/^\d{1,12}$/.test(expires) || !/^[0-9a-f]{64}$/.test(signature)) {
      return "invalid";
    }
    const expected = Buffer.from(sign(await this.#signingKey(), id, Number(expires)), "hex");
    if (!timingSafeEqual(expected, Buffer.from(signature, "hex"))) return "invalid";
    return Number(expires) * 1000 < now ? "expired" : "valid";
  }

  async load(id: string): Promise<StoredImage | undefined> {
    const [row] = await this.#sql<{ media_type: "image/png"; data: Buffer; created_at: Date }[]>`
      select media_type, data, created_at from arthur_images where id = ${id}`;
    return row ? { id, mediaType: row.media_type, data: row.data, createdAt: row.created_at } : undefined;
  }

  #signingKey(): Promise<Buffer> {
    this.#key ??= (async () => {
      // First replica to ask creates the key; every later one reads the same row.
      await this.#sql`
        insert into arthur_signing_keys (name, secret) values (${KEY_NAME}, ${randomBytes(32)})
        on conflict (name) do nothing`;
      const [row] = await this.#sql<{ secret: Buffer }[]>`
        select secret from arthur_signing_keys where name = ${KEY_NAME}`;
      return (row as { secret: Buffer }).secret;
    })().catch((error: unknown) => {
      this.#key = undefined;
      throw error;
    });
    return this.#key;
  }
}

function sign(key: Buffer, id: string, expires: number): string {
  return createHmac("sha256", key).update(`${id}.${expires}`).digest("hex");
}
