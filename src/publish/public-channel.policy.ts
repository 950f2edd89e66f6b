import { ChannelNamespace, type ChannelPolicy } from '../core/index.js';

/** `public:{name}`: any authenticated user may subscribe; fed by the server publish API. */
@ChannelNamespace({
  namespace: 'public',
  history: true,
  presence: false,
  summary:
    'Public channels: any authenticated user may subscribe; backends publish any event with POST /api/v1/publish.',
})
export class PublicChannelPolicy implements ChannelPolicy {
  canSubscribe(): boolean {
    return true;
  }
}
