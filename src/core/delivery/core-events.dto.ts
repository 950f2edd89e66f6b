import { Type } from 'class-transformer';
import {
  Equals,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  CHANNEL_PATTERN,
  ErrorCode,
  type ChannelPositionEvent,
  type ExceptionEvent,
  type PresenceEvent,
  type PresenceUser,
  type Publication,
  type SessionExpiredEvent,
  type SessionTerminatedEvent,
  type StreamPosition,
  type SubscriptionRevokedEvent,
} from '@switchboard/protocol';
import type { EventDeclaration } from '../channels/channel-policy.js';

/**
 * The shapes of the core's own server → client events, as DTOs typed by the protocol, so
 * that the AsyncAPI document is generated from them (never used to validate: the server
 * builds these itself).
 */
export class PublicationDto implements Publication {
  @Matches(CHANNEL_PATTERN) channel!: string;
  @IsString() event!: string;
  @IsInt() @Min(1) offset!: number;
  @IsString() @IsNotEmpty() epoch!: string;
  /** Any JSON value: the event's own declaration says which. */
  @IsOptional() data!: unknown;
  @IsInt() ts!: number;
}

export class StreamPositionShapeDto implements StreamPosition {
  @IsInt() @Min(0) offset!: number;
  @IsString() @IsNotEmpty() epoch!: string;
}

export class PresenceUserShapeDto implements PresenceUser {
  @IsString() userId!: string;
  @IsOptional() @IsString() name?: string;
}

export class PresenceEventDto implements PresenceEvent {
  @Matches(CHANNEL_PATTERN) channel!: string;
  @IsIn(['presence.join', 'presence.leave']) event!: 'presence.join' | 'presence.leave';
  @ValidateNested() @Type(() => PresenceUserShapeDto) data!: PresenceUserShapeDto;
  @IsInt() ts!: number;
}

export class ChannelPositionEventDto implements ChannelPositionEvent {
  @Matches(CHANNEL_PATTERN) channel!: string;
  @Equals('channel.position') event!: 'channel.position';
  @ValidateNested() @Type(() => StreamPositionShapeDto) data!: StreamPositionShapeDto;
  @IsInt() ts!: number;
}

export class SubscriptionRevokedEventDto implements SubscriptionRevokedEvent {
  @Matches(CHANNEL_PATTERN) channel!: string;
  @Equals('subscription.revoked') event!: 'subscription.revoked';
  @IsInt() ts!: number;
}

class ExpiryDto {
  @IsInt() exp!: number;
}

export class SessionExpiredEventDto implements SessionExpiredEvent {
  @Equals('session.expired') event!: 'session.expired';
  @ValidateNested() @Type(() => ExpiryDto) data!: ExpiryDto;
  @IsInt() ts!: number;
}

class TerminationDto {
  @IsIn(['disconnected', 'revoked']) reason!: 'disconnected' | 'revoked';
  @IsBoolean() reconnect!: boolean;
}

export class SessionTerminatedEventDto implements SessionTerminatedEvent {
  @Equals('session.terminated') event!: 'session.terminated';
  @ValidateNested() @Type(() => TerminationDto) data!: TerminationDto;
  @IsInt() ts!: number;
}

export class ExceptionEventDto implements ExceptionEvent {
  @IsIn(Object.values(ErrorCode)) code!: ErrorCode;
  @IsString() message!: string;
  /** The command that failed. */
  @IsString() event!: string;
}

export class PresenceListDto {
  @Matches(CHANNEL_PATTERN) channel!: string;
  @IsArray() @ValidateNested({ each: true }) @Type(() => PresenceUserShapeDto) users!: PresenceUserShapeDto[];
}

/** Where the core's events go: to one connection, or to a channel's subscribers. */
export type CoreEventScope = 'connection' | 'every channel' | 'history channels' | 'presence channels';

/** The core's events, for the docs. */
export const CORE_EVENTS: Readonly<Record<string, EventDeclaration & { readonly scope: CoreEventScope }>> = {
  publication: {
    summary:
      'Any stored publication, emitted under its own event name: POST /api/v1/publish may send any event into any ' +
      'channel, besides the events its namespace declares',
    scope: 'history channels',
  },
  'presence.join': {
    summary: "A user's first connection subscribed to the channel",
    data: PresenceEventDto,
    volatile: true,
    scope: 'presence channels',
  },
  'presence.leave': {
    summary: "A user's last connection left the channel (unsubscribed, disconnected, or its instance died)",
    data: PresenceEventDto,
    volatile: true,
    scope: 'presence channels',
  },
  'channel.position': {
    summary:
      "The channel's top as stored, every POSITION_INTERVAL_SECONDS: a client behind it recovers with subscribe { since }",
    data: ChannelPositionEventDto,
    volatile: true,
    scope: 'history channels',
  },
  'subscription.revoked': {
    summary: 'A refreshed token no longer allows this channel, or the control API removed the user from it',
    data: SubscriptionRevokedEventDto,
    volatile: true,
    scope: 'every channel',
  },
  'session.expired': {
    summary: 'The token expired without auth.refresh; the server disconnects',
    data: SessionExpiredEventDto,
    volatile: true,
    scope: 'connection',
  },
  'session.terminated': {
    summary:
      'The control API ended this session (reason disconnected or revoked); with reconnect false the server disconnects',
    data: SessionTerminatedEventDto,
    volatile: true,
    scope: 'connection',
  },
  exception: {
    summary: 'A command sent without an ack callback failed',
    data: ExceptionEventDto,
    volatile: true,
    scope: 'connection',
  },
};
