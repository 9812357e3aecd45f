// Infobip's error answers. The v1/v2 APIs (SMS advanced, WhatsApp, account) answer
// `{"requestError":{"serviceException":{"messageId":"UNAUTHORIZED","text":"Invalid login details"}}}`, with a
// `validationErrors` map on bad requests (infobip-api-python-client sms_api_request_error_details.py: messageId, text);
// the newer APIs (Viber v2 messages) answer `{"errorCode":"E400","description":…,"action":…,"violations":[…],"resources":[]}`
// (infobip-api-java-client ApiError.java). Throttled calls answer 429 TOO_MANY_REQUESTS
// (https://www.infobip.com/docs/essentials/api-essentials/rate-limits-and-throttling).

export interface InfobipErrorSpec {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const serviceException = (
  status: number,
  messageId: string,
  text: string,
  validationErrors?: Record<string, string[]>,
): InfobipErrorSpec => ({
  status,
  body: { requestError: { serviceException: { messageId, text, ...(validationErrors ? { validationErrors } : {}) } } },
});

export const INFOBIP_ERRORS = {
  unauthorized: () => serviceException(401, 'UNAUTHORIZED', 'Invalid login details'),
  forbidden: () => serviceException(403, 'FORBIDDEN', 'Unauthorized access'),
  badRequest: (validationErrors: Record<string, string[]>) =>
    serviceException(400, 'BAD_REQUEST', 'Bad request', validationErrors),
  notFound: () => serviceException(404, 'NOT_FOUND', 'Requested URL not found'),
  tooManyRequests: () => serviceException(429, 'TOO_MANY_REQUESTS', 'Too many requests'),
  generalError: () => serviceException(500, 'GENERAL_ERROR', 'Something went wrong. Please contact support.'),
  /** the newer APIs' envelope */
  apiError: (
    status: number,
    errorCode: string,
    description: string,
    violations: Array<{ property: string; violation: string }> = [],
  ) => ({
    status,
    body: {
      errorCode,
      description,
      action: violations.length > 0 ? 'Check the syntax, violations and adjust the request.' : 'Contact support.',
      violations,
      resources: [],
    },
  }),
};

/** a status object as Infobip writes it in send answers and reports */
export interface InfobipStatusObject {
  groupId: number;
  groupName: string;
  id: number;
  name: string;
  description: string;
}

/** the statuses the simulator uses (ids as in Infobip's status table; UNCONFIRMED beyond the documented examples) */
export const INFOBIP_STATUSES = {
  pendingAccepted: {
    groupId: 1,
    groupName: 'PENDING',
    id: 26,
    name: 'PENDING_ACCEPTED',
    description: 'Message sent to next instance',
  },
  pendingEnroute: {
    groupId: 1,
    groupName: 'PENDING',
    id: 7,
    name: 'PENDING_ENROUTE',
    description: 'Message sent to next instance',
  },
  delivered: {
    groupId: 3,
    groupName: 'DELIVERED',
    id: 5,
    name: 'DELIVERED_TO_HANDSET',
    description: 'Message delivered to handset',
  },
  undeliverable: {
    groupId: 2,
    groupName: 'UNDELIVERABLE',
    id: 9,
    name: 'UNDELIVERABLE_NOT_DELIVERED',
    description: 'Message sent not delivered',
  },
  expired: { groupId: 4, groupName: 'EXPIRED', id: 15, name: 'EXPIRED_EXPIRED', description: 'Message expired' },
  rejectedDestination: {
    groupId: 5,
    groupName: 'REJECTED',
    id: 52,
    name: 'REJECTED_DESTINATION',
    description: 'Invalid destination address.',
  },
} satisfies Record<string, InfobipStatusObject>;

export const NO_ERROR = {
  groupId: 0,
  groupName: 'OK',
  id: 0,
  name: 'NO_ERROR',
  description: 'No Error',
  permanent: false,
};

/** handset errors a report can carry */
export const INFOBIP_REPORT_ERRORS = {
  absentSubscriber: {
    groupId: 1,
    groupName: 'HANDSET_ERRORS',
    id: 27,
    name: 'EC_ABSENT_SUBSCRIBER',
    description: 'Absent Subscriber',
    permanent: false,
  },
  unknownSubscriber: {
    groupId: 1,
    groupName: 'HANDSET_ERRORS',
    id: 1,
    name: 'EC_UNKNOWN_SUBSCRIBER',
    description: 'Unknown Subscriber',
    permanent: true,
  },
};
