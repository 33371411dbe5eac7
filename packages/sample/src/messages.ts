import { randomUUID } from 'node:crypto';

export interface Message {
  id: string;
  text: string;
  author: string;
  createdAt: string;
}

export const MAX_TEXT_LENGTH = 1000;

/**
 * The sample's storage: memory of one Lambda instance. Each function (and each warm instance)
 * has its own, which is enough to show what reaches a backend; a real service would use a table.
 */
const messages = new Map<string, Message>();

export function listMessages(): Message[] {
  return [...messages.values()];
}

export function addMessage(text: string, author: string, now: Date = new Date()): Message {
  const message: Message = { id: randomUUID(), text, author, createdAt: now.toISOString() };
  messages.set(message.id, message);
  return message;
}

export function deleteMessage(id: string): boolean {
  return messages.delete(id);
}
