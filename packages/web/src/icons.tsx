/** @module web/icons: inline SVG icons of the operator app (emoji render as boxes in headless browsers and some desktops). */
import type { ReactElement } from 'react';

const PATHS = {
  chat: 'M4 5h16v11H9l-5 4z',
  telegram: 'M21 4L3 11l6 2 2 6 3-4 4 3zM9 13l9-7',
  whatsapp: 'M5 19l1.3-3.7A8 8 0 1 1 9 18.6zM9 9c0 3 3 6 6 6l1-1.5-2-1-1 1c-1 0-2.5-1.5-2.5-2.5l1-1-1-2z',
  plug: 'M9 3v5M15 3v5M6 8h12v3a6 6 0 0 1-12 0zM12 17v4',
  clock: 'M12 7v5l3 2M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z',
  check: 'M5 12l5 5L20 7',
  checks: 'M2 12l5 5L17 7M12 16l1 1L23 7',
  alert: 'M12 3l10 18H2zM12 10v4M12 17.5v.5',
  back: 'M15 5l-7 7 7 7',
  attach: 'M20 11l-8.5 8.5a5 5 0 0 1-7-7L13 4a3.5 3.5 0 0 1 5 5l-8.5 8.5a2 2 0 0 1-3-3L14 7',
  send: 'M4 12l16-8-6 16-3-7z',
  download: 'M12 4v11M7 10l5 5 5-5M5 20h14',
  file: 'M6 3h8l4 4v14H6zM14 3v4h4',
  user: 'M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21a8 8 0 0 1 16 0',
  copy: 'M9 9h11v11H9zM5 15H4V4h11v1',
  close: 'M6 6l12 12M18 6L6 18',
  logout: 'M15 4h4v16h-4M10 8l-4 4 4 4M6 12h10',
  template: 'M5 4h14v16H5zM8 8h8M8 12h8M8 16h5',
  pin: 'M12 21s-7-6.5-7-11a7 7 0 0 1 14 0c0 4.5-7 11-7 11zM12 12.5a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5z',
  buttons: 'M3 6h18v5H3zM3 14h18v5H3z',
  refresh: 'M20 11a8 8 0 1 0-2.3 5.7M20 4v7h-7',
  edit: 'M4 20h4L19 9l-4-4L4 16zM14 6l4 4',
  list: 'M8 6h13M8 12h13M8 18h13M3 6h.01M3 12h.01M3 18h.01',
  plus: 'M12 5v14M5 12h14',
  info: 'M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM12 11v6M12 7.5v.5',
  lock: 'M6 11h12v10H6zM8 11V7a4 4 0 0 1 8 0v4',
  menu: 'M4 6h16M4 12h16M4 18h16',
  // channels to come: one glyph each, drawn in the same 24×24 stroke style
  messenger: 'M12 3a9 8.5 0 0 0-5 15.6V21l3-1.7a9 8.5 0 1 0 2-16.3zM7 14l3.5-3.5 2.5 2 4-4',
  instagram:
    'M7 3h10a4 4 0 0 1 4 4v10a4 4 0 0 1-4 4H7a4 4 0 0 1-4-4V7a4 4 0 0 1 4-4zM12 16a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM17.5 6.5v.01',
  vk: 'M3 7h3.5c.5 3 1.8 5 3.5 5.5V7h3v3c1.5-.3 3-1.8 3.6-3H20c-.5 2-2.2 4-3.8 4.8 1.8.7 3.3 2.4 4.3 5.2h-3.4c-.8-1.8-2-3-3.6-3.2V17h-.8C7.5 17 4 13.3 3 7z',
  email: 'M3 5h18v14H3zM3 6l9 7 9-7',
  sms: 'M4 4h16v12H8l-4 4zM8 9h.01M12 9h.01M16 9h.01',
  gateway: 'M5 3h14v6H5zM5 15h14v6H5zM8 6h.01M8 18h.01M12 9v6',
  phone: 'M5 3h4l2 5-2.5 1.5a11 11 0 0 0 6 6L16 13l5 2v4a2 2 0 0 1-2 2A16 16 0 0 1 3 5a2 2 0 0 1 2-2z',
  sip: 'M5 3h4l2 5-2.5 1.5a11 11 0 0 0 6 6L16 13l5 2v4a2 2 0 0 1-2 2A16 16 0 0 1 3 5a2 2 0 0 1 2-2zM15 3h6M18 3v6M15 9h6',
  rcs: 'M3 5h18v11H9l-5 4V5zM7 9h10M7 12h6',
  aggregator: 'M12 3v6M12 15v6M3 12h6M15 12h6M12 12m-3 0a3 3 0 1 0 6 0 3 3 0 1 0-6 0',
  intercom: 'M4 4h16v12H14l-5 4v-4H4zM8 8v4M12 7v6M16 8v4',
  // who wrote a message: a bot's head
  bot: 'M6 8h12v11H6zM12 4v4M9.5 13h.01M14.5 13h.01M3 12v4M21 12v4',
} as const;

export type IconName = keyof typeof PATHS;

/** decorative unless a label is given; a labelled icon is an image with that accessible name */
export function Icon({
  name,
  size = 16,
  label,
  className,
}: {
  name: IconName;
  size?: number;
  label?: string;
  className?: string;
}): ReactElement {
  return (
    <svg
      className={`icon icon-${name}${className ? ` ${className}` : ''}`}
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={2}
      strokeLinecap="round"
      strokeLinejoin="round"
      focusable="false"
      {...(label ? { role: 'img', 'aria-label': label } : { 'aria-hidden': true })}
    >
      {label && <title>{label}</title>}
      <path d={PATHS[name]} />
    </svg>
  );
}

/** every channel type of the catalog (GET /connection-types lists those this build offers); unknown ones get a plug */
const CHANNEL: Record<string, IconName> = {
  webchat: 'chat',
  telegram: 'telegram',
  whatsapp: 'whatsapp',
  'whatsapp-onpremise': 'whatsapp',
  messenger: 'messenger',
  instagram: 'instagram',
  vk: 'vk',
  email: 'email',
  'twilio-sms': 'sms',
  'vonage-sms': 'sms',
  'sms-gateway': 'gateway',
  bird: 'aggregator',
  infobip: 'aggregator',
  intercom: 'intercom',
  rcs: 'rcs',
  'twilio-voice': 'phone',
  sip: 'sip',
};

export const channelIconName = (type: string): IconName => CHANNEL[type] ?? 'plug';

/** a channel's icon, named for assistive technology */
export function ChannelIcon({ type }: { type: string }): ReactElement {
  return (
    <span className={`channel channel-${type}`} role="img" aria-label={type} title={type}>
      <Icon name={channelIconName(type)} size={18} />
    </span>
  );
}

const STATUS: Record<string, IconName> = {
  queued: 'clock',
  sent: 'check',
  delivered: 'checks',
  read: 'checks',
  failed: 'alert',
};

/** an outbound message's delivery status */
export function StatusIcon({ status }: { status: string }): ReactElement {
  return <Icon name={STATUS[status] ?? 'clock'} size={14} />;
}
