// Compile-time contract checks (run by `npm run check`): what the client sends must fit the request types
// of the served OpenAPI document, generated into schema.d.ts by `npm run gen:types`.
import type { components } from './schema';
import type { ActorInput, Feedback, Fit, MyOutcome } from './types';

type S = components['schemas'];
type Fits<T extends U, U> = T;

export type ActorBodyFits = Fits<ActorInput & { version?: number }, S['ActorInput']>;
export type RegisterBodyFits = Fits<{ email: string; password: string; display_name: string; accept_terms: boolean; consent_matching: boolean }, S['RegisterRequest']>;
export type FeedbackVerdictFits = Fits<Feedback['verdict'], S['Feedback']['verdict']>;
export type StatsOverview = S['StatsOverview'];

type O = import('./schema').operations;
type JsonBody<T> = T extends { requestBody: { content: { 'application/json': infer B } } } ? B : never;
export type FeedbackBodyFits = Fits<{ target_id: string; verdict: Feedback['verdict']; reason?: string }, JsonBody<O['postApiV1ActorsIdFeedback']>>;
export type OutcomeBodyFits = Fits<{ stage: '30d' | '6m'; answer: 'no_contact' | 'talking' | 'collaborating' | 'agreement' }, JsonBody<O['postApiV1IntroductionsIdOutcome']>>;
// What the server sends fits what the screens read.
export type FitFits = Fits<S['Fit'], Fit>;
export type MyOutcomeFits = Fits<NonNullable<S['Introduction']['my_outcomes']>[number], MyOutcome>;
