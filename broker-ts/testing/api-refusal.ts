// What a plan that must refuse threw: the ApiError's code and the message clients see.
import { ApiError } from '../errors/api-error.js';

export function apiRefusal(plan: () => unknown): { code: number; message: string | null } {
  try {
    plan();
  } catch (error) {
    if (error instanceof ApiError) return { code: error.code, message: error.responseMessage };
    throw error;
  }
  throw new Error('the request was accepted');
}
