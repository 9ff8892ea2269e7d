import type { Response } from 'express';

/** A refusal the sandbox answers with SOAR's error DTO. */
export class ResilientApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'ResilientApiError';
  }
}

/** SOAR's error DTO, as IBM's fixtures and mocks show it. */
export function sendResilientError(res: Response, status: number, message: string): void {
  res.status(status).json({ success: false, title: null, message, hints: [], error_code: 'generic' });
}
