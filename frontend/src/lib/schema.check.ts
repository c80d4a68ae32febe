// Compile-time contract checks (run by `npm run check`): what the client sends must fit the request types
// of the served OpenAPI document, generated into schema.d.ts by `npm run gen:types`.
import type { components } from './schema';
import type { ActorInput, Feedback, Fit, FundingMatch, MatchAdvice, MyOutcome } from './types';

type S = components['schemas'];
type Fits<T extends U, U> = T;

export type ActorBodyFits = Fits<ActorInput & { version?: number }, S['ActorInput']>;
export type RegisterBodyFits = Fits<{ email: string; password: string; display_name: string; accept_terms: boolean; consent_matching: boolean }, S['RegisterRequest']>;
export type FeedbackVerdictFits = Fits<Feedback['verdict'], S['Feedback']['verdict']>;
export type StatsOverview = S['StatsOverview'];
// What the funding screen reads of a funding match is what the server may send (both ways for the verdicts).
export type FundingVerdictFits = Fits<S['FundingMatch']['eligibility'], FundingMatch['eligibility']>;
export type FundingRoleFits = Fits<NonNullable<S['FundingMatch']['role']>, NonNullable<FundingMatch['role']>>;
export type FundingSizeFits = Fits<NonNullable<S['FundingMatch']['size']>, NonNullable<FundingMatch['size']>>;
// The advice the matches screen reads is the served document's MatchAdvice, field for field.
export type MatchAdviceFits = Fits<S['MatchAdvice'], MatchAdvice>;

type O = import('./schema').operations;
type JsonBody<T> = T extends { requestBody: { content: { 'application/json': infer B } } } ? B : never;
export type FeedbackBodyFits = Fits<{ target_id: string; verdict: Feedback['verdict']; reason?: string }, JsonBody<O['postApiV1ActorsIdFeedback']>>;
export type OutcomeBodyFits = Fits<{ stage: '30d' | '6m'; answer: 'no_contact' | 'talking' | 'collaborating' | 'agreement' }, JsonBody<O['postApiV1IntroductionsIdOutcome']>>;
// What the server sends fits what the screens read.
export type FitFits = Fits<S['Fit'], Fit>;
export type MyOutcomeFits = Fits<NonNullable<S['Introduction']['my_outcomes']>[number], MyOutcome>;
