// Compile-time contract checks (run by `npm run check`): what the client sends must fit the request types
// of the served OpenAPI document, generated into schema.d.ts by `npm run gen:types`.
import type { components } from './schema';
import type { ActorInput, Feedback } from './types';

type S = components['schemas'];
type Fits<T extends U, U> = T;

export type ActorBodyFits = Fits<ActorInput & { version?: number }, S['ActorInput']>;
export type RegisterBodyFits = Fits<{ email: string; password: string; display_name: string; accept_terms: boolean; consent_matching: boolean }, S['RegisterRequest']>;
export type FeedbackVerdictFits = Fits<Feedback['verdict'], S['Feedback']['verdict']>;
export type StatsOverview = S['StatsOverview'];
