/**
 * Every stored event a module publishes, by name, and the type of its `data`: what a
 * subscriber's handler for that event receives. Modules add theirs by declaration merging in
 * `modules/<name>.ts`; a publication of an event not listed here (the generic REST publish
 * API takes any name) has `data: unknown`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface PublicationEvents {}

export type PublicationEventName = keyof PublicationEvents;
