/**
 * The connection's one lifecycle value (changed only by the master connection, which logs and emits
 * every change):
 * - idle: created, start() not called yet;
 * - connecting: opening the socket to the master agent;
 * - opening: connected, agentx-Open-PDU sent;
 * - open: the master accepted the session; registrations are (re)played;
 * - reconnecting: the connection failed or was lost; the next attempt is due in delayMs;
 * - closing: agentx-Close-PDU sent (close() was called);
 * - closed: stopped for good (close(), or the retry strategy gave up).
 */
export type SubagentStatus =
  | { readonly state: 'idle' }
  | { readonly state: 'connecting'; readonly attempt: number }
  | { readonly state: 'opening' }
  | { readonly state: 'open'; readonly sessionId: number }
  | { readonly state: 'reconnecting'; readonly attempt: number; readonly delayMs: number; readonly reason: string }
  | { readonly state: 'closing' }
  | { readonly state: 'closed'; readonly reason: string };

export type SubagentState = SubagentStatus['state'];

/** What one log line says when the state becomes this. */
export const STATE_MESSAGES: Record<SubagentState, string> = {
  idle: 'AgentX subagent created',
  connecting: 'connecting to the AgentX master agent',
  opening: 'connected to the AgentX master agent; opening a session',
  open: 'AgentX session open',
  reconnecting: 'AgentX connection to the master agent lost; reconnecting',
  closing: 'closing the AgentX session',
  closed: 'AgentX session closed',
};
