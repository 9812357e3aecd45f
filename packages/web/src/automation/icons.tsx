/** @module web/automation/icons: small inline SVG icons for the automation pages (emoji render as boxes in some browsers). */
import type { ReactElement } from 'react';

const PATHS = {
  plus: 'M12 5v14M5 12h14',
  trash: 'M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13',
  refresh: 'M20 11a8 8 0 1 0-2.3 5.7M20 4v7h-7',
  replay: 'M4 4v6h6M4.5 15a8 8 0 1 0 1.9-8.3L4 10',
  play: 'M7 4l13 8-13 8z',
  stop: 'M6 6h12v12H6z',
  up: 'M12 19V5M5 12l7-7 7 7',
  down: 'M12 5v14M5 12l7 7 7-7',
  edit: 'M4 20h4L19 9l-4-4L4 16zM14 6l4 4',
  copy: 'M9 9h11v11H9zM5 15H4V4h11v1',
  check: 'M5 12l5 5L20 7',
  close: 'M6 6l12 12M18 6L6 18',
  off: 'M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM5.6 5.6l12.8 12.8',
  webhook: 'M10 4a4 4 0 0 0-2 7.5L5 17M14 20a4 4 0 0 0 2-7.5L19 7M7 17h10',
  agent: 'M8 3h8M12 3v4M5 7h14v11H5zM9 12h.01M15 12h.01M9 15h6',
  route: 'M6 3v6a4 4 0 0 0 4 4h8M15 9l3 4-3 4M6 21v-4',
  team: 'M9 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM3 20a6 6 0 0 1 12 0M16 5a3 3 0 0 1 0 6M21 20a6 6 0 0 0-4-5.6',
  clock: 'M12 7v5l3 2M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z',
  question: 'M9.5 9a2.5 2.5 0 1 1 3.5 2.3c-.7.3-1 1-1 1.7v1M12 17h.01M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z',
} as const;

export type IconName = keyof typeof PATHS;

/** decorative by default (aria-hidden): the control around it carries the accessible name */
export function Icon({ name, size = 16, title }: { name: IconName; size?: number; title?: string }): ReactElement {
  return (
    <svg
      className={`au-icon au-icon-${name}`}
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={2}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden={title ? undefined : true}
      role={title ? 'img' : undefined}
      focusable="false"
    >
      {title && <title>{title}</title>}
      <path d={PATHS[name]} />
    </svg>
  );
}
