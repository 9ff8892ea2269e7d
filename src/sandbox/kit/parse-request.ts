import type { z } from 'zod';

/** Parses a request part; on failure hands a one-line reason to `reject` (which answers 400) and returns undefined. */
export function parseRequest<S extends z.ZodType>(schema: S, input: unknown, reject: (message: string) => void): z.infer<S> | undefined {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  reject(`Invalid ${issue?.path.join('.') || 'request'}: ${issue?.message}`);
  return undefined;
}
