/* Generated from packages/sdk/openapi.json by packages/sdk/scripts/openapi.ts: do not edit; run `npm run sdk:types`. */
export interface paths {
    "/api/v1/agent-types": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The agent kinds, with their config JSON Schema */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["AgentType"][];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/agent-types/flow/try": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** One turn of a flow bot from its config as edited (not saved): its replies, the contact fields it would collect, a handoff, and the state for the next turn. Nothing is stored or sent; 400 lists what is wrong with the config */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        buttonId?: string;
                        config: {
                            [key: string]: unknown;
                        };
                        /**
                         * @description what the previous try turn answered as `state`; null starts a new conversation
                         * @default null
                         */
                        state?: {
                            at?: string;
                            handedOff?: boolean;
                            misses: number;
                        } | null;
                        text: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FlowTryResult"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/agents": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: {
                    cursor?: string;
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["Agent"][];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @default {} */
                        config?: {
                            [key: string]: unknown;
                        };
                        description?: string;
                        /** @description flow | llm | webhook */
                        kind: string;
                        name: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Agent"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/agents/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Agent"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description partial: omitted fields and masked secrets keep their value; a new secret value replaces it. A running agent restarts with the new config */
                        config?: {
                            [key: string]: unknown;
                        };
                        description?: string;
                        name?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Agent"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/agents/{id}/connections": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The agent's communication channels */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AgentChannels"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        /** Set the agent's channels; 409 when another agent already handles a connection's inbound messages. A running agent applies them at once; a stopped one when it starts */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        connections: {
                            connectionId: string;
                            /** @default false */
                            inbound?: boolean;
                        }[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AgentChannels"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/agents/{id}/start": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start the agent: checks its config (an llm agent calls GET {baseUrl}/models) and applies its channels */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Agent"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/agents/{id}/stop": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Agent"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/agents/inbound": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Which agent handles each connection's inbound messages (at most one per connection); connections no agent holds are not listed */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["InboundHolders"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign in with email and password; answers a session token (Bearer) valid 30 days */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        email: string;
                        password: string;
                        /** @description needed when the email belongs to more than one workspace (409 WORKSPACE_REQUIRED) */
                        workspaceId?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            expiresAt: string;
                            token: string;
                            user: components["schemas"]["User"];
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** End this session */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/calls": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Call a number from a voice connection: the provider rings it (answering-machine detection on), the answer hears the greeting and then the agent named (else the connection's inbound agent); an answering machine hears the greeting and the call ends (answeredBy: machine); the call's progress arrives as call.updated / call.ended events. 422 CALL_FAILED when the provider refuses the number */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["PlaceCallInput"];
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Call"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: {
                    cursor?: string;
                    limit?: number;
                    status?: "draft" | "scheduled" | "running" | "paused" | "completed" | "canceled";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["Campaign"][];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** A draft campaign: audience (a segment, or contacts by id or CSV), steps, settings */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        audience: {
                            segmentId: string;
                            /** @enum {string} */
                            type: "segment";
                        } | {
                            /** @enum {string} */
                            type: "contacts";
                        };
                        contactIds?: string[];
                        name: string;
                        /** @description start at this time (a start before it schedules) */
                        scheduledAt?: string | null;
                        settings?: {
                            /** @description a reply counts for a step until this many hours after its send (or until the next step is judged); default 72; null returns to the default */
                            attributionHours?: number | null;
                            /** @description nothing is sent after it: open jobs end skipped `expired` and the campaign completes; null removes it */
                            endAt?: string | null;
                            /** @description pause when this share of the last `window` finished sends failed (default 20 % of 200) */
                            failurePause?: {
                                ratio: number;
                                window: number;
                            };
                            /** @description campaign messages in the outbound queue at once */
                            inFlight?: number;
                            /** @description no sends between from and to in the contact’s time zone; null removes them from a draft */
                            quietHours?: {
                                from: string;
                                /** @description used when the contact's attributes name no valid timeZone */
                                timeZone: string;
                                to: string;
                            } | null;
                            /** @description for contacts whose attributes name no valid timeZone (time-of-day steps); UTC when absent; null removes it */
                            timeZone?: string | null;
                        };
                        steps: components["schemas"]["CampaignStepInput"][];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Campaign"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Campaign"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Edit a draft (409 once started: duplicate it instead) */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        audience?: {
                            segmentId: string;
                            /** @enum {string} */
                            type: "segment";
                        } | {
                            /** @enum {string} */
                            type: "contacts";
                        };
                        contactIds?: string[];
                        name?: string;
                        /** @description start at this time (a start before it schedules) */
                        scheduledAt?: string | null;
                        settings?: {
                            /** @description a reply counts for a step until this many hours after its send (or until the next step is judged); default 72; null returns to the default */
                            attributionHours?: number | null;
                            /** @description nothing is sent after it: open jobs end skipped `expired` and the campaign completes; null removes it */
                            endAt?: string | null;
                            /** @description pause when this share of the last `window` finished sends failed (default 20 % of 200) */
                            failurePause?: {
                                ratio: number;
                                window: number;
                            };
                            /** @description campaign messages in the outbound queue at once */
                            inFlight?: number;
                            /** @description no sends between from and to in the contact’s time zone; null removes them from a draft */
                            quietHours?: {
                                from: string;
                                /** @description used when the contact's attributes name no valid timeZone */
                                timeZone: string;
                                to: string;
                            } | null;
                            /** @description for contacts whose attributes name no valid timeZone (time-of-day steps); UTC when absent; null removes it */
                            timeZone?: string | null;
                        };
                        steps?: components["schemas"]["CampaignStepInput"][];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Campaign"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/campaigns/{id}/audience": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The audience as it is now, judged as the start judges it (excluded by reason), with what each step would send to a few recipients */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CampaignAudienceCheck"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** End the campaign: jobs not yet queued never go */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Campaign"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{id}/contacts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Add contacts to a draft's explicit audience: by id (ids of other workspaces are ignored), or a CSV in the contact import's columns, each row validated and normalised, its contact created or matched and added, refused rows reported */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        contactIds?: string[];
                        /** @description CSV text: name, phone, email, attributes.<key>, … */
                        csv?: string;
                        /** @description for phone numbers without a country code */
                        defaultRegion?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            added: number;
                            import?: components["schemas"]["ContactImportReport"];
                            total: number;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{id}/duplicate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A new draft with the same audience, steps and settings */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Campaign"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{id}/pause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Stop sending (messages already in the outbound queue still go) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Campaign"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{id}/recipients": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Recipients with each step’s job and message, filtered by an outcome (of any step, or of `step`) */
        get: {
            parameters: {
                query?: {
                    cursor?: string;
                    limit?: number;
                    outcome?: "excluded" | "pending" | "skipped" | "queued" | "sent" | "delivered" | "read" | "failed" | "replied";
                    step?: number;
                    /** @description the A/B variant (of `step`, or any) */
                    variant?: number;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["CampaignRecipient"][];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{id}/recipients.csv": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The recipients as CSV (one row per recipient and step, filtered like the list); formula-like cells start with a single quote */
        get: {
            parameters: {
                query?: {
                    outcome?: "excluded" | "pending" | "skipped" | "queued" | "sent" | "delivered" | "read" | "failed" | "replied";
                    step?: number;
                    variant?: number;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{id}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Carry on sending */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Campaign"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{id}/start": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start now, or schedule when scheduledAt is ahead (the audience is frozen into recipients as it sends) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Campaign"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{id}/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Audience, excluded by reason, and per step pending/queued/sent/delivered/read/replied/failed */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CampaignStats"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/connection-types": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The connection types this server offers, with capabilities and config JSON Schema */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["ConnectorType"][];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/connections": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: {
                    cursor?: string;
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["Connection"][];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @default {} */
                        config?: {
                            [key: string]: unknown;
                        };
                        deprecated?: boolean;
                        description?: string;
                        name: string;
                        type: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Connection"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/connections/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Connection"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description partial: omitted fields and masked secrets keep their value; a new secret value replaces it (rotation) */
                        config?: {
                            [key: string]: unknown;
                        };
                        deprecated?: boolean;
                        description?: string;
                        name?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Connection"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/connections/{id}/check": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Test connection: log in to each of the provider's servers with the stored config and report each answer; the connection's status does not change */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ConnectionChecks"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/connections/{id}/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Checks the connection's health now: asks the provider and reads the messages */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ConnectionHealth"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/connections/{id}/logs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: {
                    cursor?: string;
                    limit?: number;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["ConnectionLog"][];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/connections/{id}/start": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Connection"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/connections/{id}/stop": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Connection"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/connections/{id}/templates": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Templates synced from the provider */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["Template"][];
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/connections/{id}/templates/sync": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Fetch the templates from the provider now */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["Template"][];
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/connections/{id}/test-event": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a test event: the provider delivers a test inbound message to this connection
         * @description Asks the provider's own test facility (Messenger: Meta's sample notification, what the App Dashboard's Test button sends) to deliver a test inbound message to the connection's webhook; when it arrives the first-message check turns healthy. Only for channel types whose `features` (GET /connection-types) include `testEvent`: 409 otherwise, and 409 when the connection is not running; 503 with the provider's words when it refused.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TestEventRequested"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/connections/health-summary": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every connection with its health, last inbound and outbound, the last hour of sends (error rate, 429s, 5xx, provider latency p50/p95) and its messages per hour over 24 h */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["ConnectionHealthSummary"][];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/contacts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Contacts, newest first; with q, those found by name, by any spelling of a phone number or other identity address, or by email */
        get: {
            parameters: {
                query?: {
                    cursor?: string;
                    limit?: number;
                    /** @description finds contacts by name, by any spelling of a phone number (+49 151 …, 0049…, national in a phone connection's defaultRegion), by another identity address or part of one, or by email */
                    q?: string;
                    /** @description only contacts with this tag */
                    tag?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["Contact"][];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Creates a contact with identities; each address is normalized by its channel type's address kind, a malformed one is 400 naming the field, one that belongs to another contact is 409 naming that contact */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        attributes?: {
                            [key: string]: unknown;
                        };
                        identities?: {
                            /** @description normalized by the channel type's address kind (E.164 for phones, the domain lower-cased for emails) */
                            address: string;
                            channelType: string;
                            /** @description a connection of this channel type whose defaultRegion reads a national phone number */
                            connectionId?: string;
                        }[];
                        name?: string | null;
                        tags?: string[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Contact360"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/contacts/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A contact with its identities on every channel and its conversations across all channels, most recent first. A contact merged into another answers 301 with {mergedInto} */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Contact360"];
                    };
                };
                /** @description Default Response */
                301: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["MergedContact"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Erases the contact and what identifies them (admin): identities, name, attributes, tags, messages' content and media bytes, previews, raw inbound events. Message rows stay as tombstones with their provider ids so provider retries are still recognized as duplicates */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ContactErased"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Edits name, attributes (merged: null removes a key) and tags (replaced) */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description merged into the stored attributes: a key set to null is removed, omitted keys keep their value */
                        attributes?: {
                            [key: string]: unknown;
                        };
                        name?: string | null;
                        /** @description replaces the tags */
                        tags?: string[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Contact360"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/contacts/{id}/consent": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The contact's opt-outs per channel type and identity, with when and how they were set */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ConsentList"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        /** Record that the contact opted out of a channel type (sends to them are refused with 422 OPTED_OUT) or back in */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["SetConsentInput"];
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ConsentList"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/contacts/{id}/duplicates": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Contacts that may be the same person, each with its reasons: a shared normalized phone number or email (identity or email/phone attribute), or the same name on another channel. Nothing is merged */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ContactDuplicates"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/contacts/{id}/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Everything the hub holds about the contact as one JSON document: the contact, identities, attributes, tags, conversations with every message (media as URLs) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ContactExport"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/contacts/{id}/merge": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Merges otherContactId into this contact: identities, conversations with their messages, attributes (this contact's values win; the other's overridden values are returned under conflicts) and tags. The other id answers 301 afterwards */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description the contact merged away (it answers 301 afterwards) */
                        otherContactId: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ContactMergeResult"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/contacts/export.csv": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The contacts a search finds (all without q) as CSV, in the columns the import reads; cells a spreadsheet would run as a formula start with a single quote */
        get: {
            parameters: {
                query?: {
                    /** @description start with a UTF-8 byte order mark (spreadsheets that otherwise guess another encoding) */
                    bom?: "true" | "false";
                    /** @description the search of GET /api/v1/contacts?q=; all contacts without it */
                    q?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/contacts/import": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Import contacts from CSV (text/csv body, or a file in multipart/form-data; at most 10000 rows and 5242880 bytes). Columns: name, phone, email, tags (semicolon-separated), id, attributes.<key>; rows are matched by normalized phone or email, so a second upload changes nothing */
        post: {
            parameters: {
                query?: {
                    /** @description region for phone numbers written without a country code (ISO 3166-1 alpha-2, e.g. DE); by default the defaultRegion of the workspace's phone connections */
                    defaultRegion?: string;
                    /** @description a column that is not name, phone, email, tags, id or attributes.<key>: an attribute, or a 400 */
                    unknownColumns?: "attribute" | "reject";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ContactImportReport"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/conversations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: {
                    connectionId?: string;
                    contactId?: string;
                    cursor?: string;
                    limit?: number;
                    /** @description conversations one of whose messages says this (case-insensitive, part of a word too): a text, a caption, or the transcript of a call's utterance or a voice message */
                    q?: string;
                    status?: "open" | "pending" | "resolved";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["Conversation"][];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/conversations/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Conversation"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Resolve, reopen, assign, mark read */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        assigneeId?: string | null;
                        markRead?: boolean;
                        /** @description with status "resolved": the agent gets the conversation back; without, the contact's next conversation (within 24 h) continues with humans */
                        returnToAgent?: boolean;
                        /** @enum {string} */
                        status?: "open" | "pending" | "resolved";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Conversation"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/conversations/{id}/assign": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Assign an operator (null: unassign); an agent handling the conversation steps back */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        userId: string | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Conversation"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/conversations/{id}/calls": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The phone calls of a conversation, oldest first */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["Call"][];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/conversations/{id}/handoff": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Hand the conversation to humans (optionally a team: round-robin) or to an agent */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description to agent: default the conversation's agent or the connection's inbound agent */
                        agentId?: string;
                        reason?: string;
                        teamId?: string;
                        /** @enum {string} */
                        to: "human" | "agent";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Conversation"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/conversations/{id}/messages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: {
                    cursor?: string;
                    limit?: number;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["Message"][];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Reply in a conversation; answers 202 with the queued message (on SMS channels with its `segments`: GSM-7 or UCS-2 and how many) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description mail: addresses in copy (stored as metadata.cc); other channels ignore it */
                        cc?: string[];
                        content?: {
                            text: string;
                            /** @enum {string} */
                            type: "text";
                        } | {
                            media: {
                                caption?: string;
                                fileName?: string;
                                mimeType: string;
                                providerMediaId?: string;
                                size?: number;
                                /** @enum {string} */
                                state?: "pending" | "ready" | "failed";
                                /** @description Served by Switchboard itself once the bytes are stored. To send: the url of an upload of this workspace (POST /api/v1/media), or an http(s) URL the hub fetches into its own store first; anything else is 400 */
                                url: string;
                            };
                            /** @enum {string} */
                            type: "image" | "audio" | "video" | "document" | "sticker";
                        } | {
                            location: {
                                address?: string;
                                latitude: number;
                                longitude: number;
                                name?: string;
                            };
                            /** @enum {string} */
                            type: "location";
                        } | {
                            contacts: {
                                /** @default [] */
                                emails?: string[];
                                name: string;
                                /** @default [] */
                                phones?: string[];
                            }[];
                            /** @enum {string} */
                            type: "contact";
                        } | {
                            interactive: {
                                buttons?: {
                                    id: string;
                                    title: string;
                                }[];
                                /** @enum {string} */
                                kind: "buttons" | "list" | "button_reply" | "list_reply";
                                reply?: {
                                    id: string;
                                    title: string;
                                };
                                text?: string;
                            };
                            /** @enum {string} */
                            type: "interactive";
                        } | {
                            cards: {
                                /** @default [] */
                                buttons?: {
                                    id: string;
                                    title: string;
                                    /** Format: uri */
                                    url?: string;
                                }[];
                                /** Format: uri */
                                imageUrl?: string;
                                subtitle?: string;
                                title: string;
                            }[];
                            text?: string;
                            /** @enum {string} */
                            type: "cards";
                        } | {
                            reaction: {
                                emoji: string;
                                targetProviderMessageId: string;
                            };
                            /** @enum {string} */
                            type: "reaction";
                        } | {
                            template: {
                                language: string;
                                name: string;
                                text?: string;
                                /** @default {} */
                                variables?: {
                                    [key: string]: string;
                                };
                            };
                            /** @enum {string} */
                            type: "template";
                        };
                        metadata?: {
                            [key: string]: unknown;
                        };
                        /** @description mail: the subject of a thread this message starts (replies keep "Re: <the thread's subject>") */
                        subject?: string;
                        template?: {
                            language: string;
                            name: string;
                            variables?: {
                                [key: string]: string;
                            };
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["QueuedMessage"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/conversations/{id}/preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** What the customer will receive for this content on the conversation's channel (numbered text for buttons on a channel without them, text split in parts, links for files…); nothing is sent. 422 when the channel cannot carry it at all */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        content: {
                            text: string;
                            /** @enum {string} */
                            type: "text";
                        } | {
                            media: {
                                caption?: string;
                                fileName?: string;
                                mimeType: string;
                                providerMediaId?: string;
                                size?: number;
                                /** @enum {string} */
                                state?: "pending" | "ready" | "failed";
                                /** @description Served by Switchboard itself once the bytes are stored. To send: the url of an upload of this workspace (POST /api/v1/media), or an http(s) URL the hub fetches into its own store first; anything else is 400 */
                                url: string;
                            };
                            /** @enum {string} */
                            type: "image" | "audio" | "video" | "document" | "sticker";
                        } | {
                            location: {
                                address?: string;
                                latitude: number;
                                longitude: number;
                                name?: string;
                            };
                            /** @enum {string} */
                            type: "location";
                        } | {
                            contacts: {
                                /** @default [] */
                                emails?: string[];
                                name: string;
                                /** @default [] */
                                phones?: string[];
                            }[];
                            /** @enum {string} */
                            type: "contact";
                        } | {
                            interactive: {
                                buttons?: {
                                    id: string;
                                    title: string;
                                }[];
                                /** @enum {string} */
                                kind: "buttons" | "list" | "button_reply" | "list_reply";
                                reply?: {
                                    id: string;
                                    title: string;
                                };
                                text?: string;
                            };
                            /** @enum {string} */
                            type: "interactive";
                        } | {
                            cards: {
                                /** @default [] */
                                buttons?: {
                                    id: string;
                                    title: string;
                                    /** Format: uri */
                                    url?: string;
                                }[];
                                /** Format: uri */
                                imageUrl?: string;
                                subtitle?: string;
                                title: string;
                            }[];
                            text?: string;
                            /** @enum {string} */
                            type: "cards";
                        } | {
                            reaction: {
                                emoji: string;
                                targetProviderMessageId: string;
                            };
                            /** @enum {string} */
                            type: "reaction";
                        } | {
                            template: {
                                language: string;
                                name: string;
                                text?: string;
                                /** @default {} */
                                variables?: {
                                    [key: string]: string;
                                };
                            };
                            /** @enum {string} */
                            type: "template";
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["DeliveryPreview"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/conversations/{id}/timeline": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every routing decision in the conversation, oldest first */
        get: {
            parameters: {
                query?: {
                    cursor?: string;
                    limit?: number;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["TimelineEvent"][];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/conversations/{id}/typing": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Show the customer that an operator is typing */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/dead-letters": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Work that failed every delivery attempt */
        get: {
            parameters: {
                query?: {
                    cursor?: string;
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["DeadLetter"][];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/dead-letters/{id}/replay": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Hand a dead letter to the bus again */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["DeadLetter"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Server-sent events: message.received, message.created, message.updated, message.status, conversation.created, conversation.updated, conversation.typing, contact.created, connection.status, connection.health, conversation.timeline, agent.status, campaign.status, campaign.progress, call.started, call.updated, call.ended */
        get: {
            parameters: {
                query?: {
                    /** @description comma-separated event types to receive */
                    types?: string;
                };
                header?: {
                    "last-event-id"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The signed-in user */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["User"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/media": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Upload a file; the body is the file, Content-Type its type */
        post: {
            parameters: {
                query?: {
                    fileName?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Attachment"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/messages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start (or continue) a conversation with an address on a connection. A conversation nobody handles yet becomes the writing user's (handler human, assigned to them), so the customer's answer skips the bot rules; with metadata.agentId (a bot writing) routing decides as usual */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description mail: addresses in copy (stored as metadata.cc); other channels ignore it */
                        cc?: string[];
                        connectionId: string;
                        content?: {
                            text: string;
                            /** @enum {string} */
                            type: "text";
                        } | {
                            media: {
                                caption?: string;
                                fileName?: string;
                                mimeType: string;
                                providerMediaId?: string;
                                size?: number;
                                /** @enum {string} */
                                state?: "pending" | "ready" | "failed";
                                /** @description Served by Switchboard itself once the bytes are stored. To send: the url of an upload of this workspace (POST /api/v1/media), or an http(s) URL the hub fetches into its own store first; anything else is 400 */
                                url: string;
                            };
                            /** @enum {string} */
                            type: "image" | "audio" | "video" | "document" | "sticker";
                        } | {
                            location: {
                                address?: string;
                                latitude: number;
                                longitude: number;
                                name?: string;
                            };
                            /** @enum {string} */
                            type: "location";
                        } | {
                            contacts: {
                                /** @default [] */
                                emails?: string[];
                                name: string;
                                /** @default [] */
                                phones?: string[];
                            }[];
                            /** @enum {string} */
                            type: "contact";
                        } | {
                            interactive: {
                                buttons?: {
                                    id: string;
                                    title: string;
                                }[];
                                /** @enum {string} */
                                kind: "buttons" | "list" | "button_reply" | "list_reply";
                                reply?: {
                                    id: string;
                                    title: string;
                                };
                                text?: string;
                            };
                            /** @enum {string} */
                            type: "interactive";
                        } | {
                            cards: {
                                /** @default [] */
                                buttons?: {
                                    id: string;
                                    title: string;
                                    /** Format: uri */
                                    url?: string;
                                }[];
                                /** Format: uri */
                                imageUrl?: string;
                                subtitle?: string;
                                title: string;
                            }[];
                            text?: string;
                            /** @enum {string} */
                            type: "cards";
                        } | {
                            reaction: {
                                emoji: string;
                                targetProviderMessageId: string;
                            };
                            /** @enum {string} */
                            type: "reaction";
                        } | {
                            template: {
                                language: string;
                                name: string;
                                text?: string;
                                /** @default {} */
                                variables?: {
                                    [key: string]: string;
                                };
                            };
                            /** @enum {string} */
                            type: "template";
                        };
                        metadata?: {
                            [key: string]: unknown;
                        };
                        /** @description mail: the subject of a thread this message starts (replies keep "Re: <the thread's subject>") */
                        subject?: string;
                        template?: {
                            language: string;
                            name: string;
                            variables?: {
                                [key: string]: string;
                            };
                        };
                        to: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["QueuedMessage"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/messages/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Message"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Take back an outbound message the customer has not received (RCS revokes it); it ends failed with code REVOKED */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Message"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/messages/{id}/deleted-content": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** What the customer deleted (Instagram unsend), kept for audit when the workspace's keepDeletedContent was on at the time (owners and admins); 404 when nothing was kept */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            content: {
                                text: string;
                                /** @enum {string} */
                                type: "text";
                            } | {
                                media: {
                                    caption?: string;
                                    fileName?: string;
                                    mimeType: string;
                                    providerMediaId?: string;
                                    size?: number;
                                    /** @enum {string} */
                                    state?: "pending" | "ready" | "failed";
                                    /** @description Served by Switchboard itself once the bytes are stored. To send: the url of an upload of this workspace (POST /api/v1/media), or an http(s) URL the hub fetches into its own store first; anything else is 400 */
                                    url: string;
                                };
                                /** @enum {string} */
                                type: "image" | "audio" | "video" | "document" | "sticker";
                            } | {
                                location: {
                                    address?: string;
                                    latitude: number;
                                    longitude: number;
                                    name?: string;
                                };
                                /** @enum {string} */
                                type: "location";
                            } | {
                                contacts: {
                                    /** @default [] */
                                    emails: string[];
                                    name: string;
                                    /** @default [] */
                                    phones: string[];
                                }[];
                                /** @enum {string} */
                                type: "contact";
                            } | {
                                interactive: {
                                    buttons?: {
                                        id: string;
                                        title: string;
                                    }[];
                                    /** @enum {string} */
                                    kind: "buttons" | "list" | "button_reply" | "list_reply";
                                    reply?: {
                                        id: string;
                                        title: string;
                                    };
                                    text?: string;
                                };
                                /** @enum {string} */
                                type: "interactive";
                            } | {
                                cards: {
                                    /** @default [] */
                                    buttons: {
                                        id: string;
                                        title: string;
                                        /** Format: uri */
                                        url?: string;
                                    }[];
                                    /** Format: uri */
                                    imageUrl?: string;
                                    subtitle?: string;
                                    title: string;
                                }[];
                                text?: string;
                                /** @enum {string} */
                                type: "cards";
                            } | {
                                reaction: {
                                    emoji: string;
                                    targetProviderMessageId: string;
                                };
                                /** @enum {string} */
                                type: "reaction";
                            } | {
                                template: {
                                    language: string;
                                    name: string;
                                    text?: string;
                                    /** @default {} */
                                    variables: {
                                        [key: string]: string;
                                    };
                                };
                                /** @enum {string} */
                                type: "template";
                            };
                            deletedAt: string;
                            messageId: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/meta/connect": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Whether Connect with Meta is offered (SWITCHBOARD_META_APP_ID and _SECRET set), and for which types */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["MetaConnectStatus"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Opens a Connect with Meta dialog: answers its URL and sets the cookie its callback must carry */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        type: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            dialogUrl: string;
                            expiresAt: string;
                            grantId: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/meta/connect/{grantId}/accounts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The Pages, Instagram accounts or WhatsApp numbers the person granted */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    grantId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["MetaConnectAccounts"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/meta/connect/{grantId}/connections": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Creates (and starts) the connection for the account picked */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    grantId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        accountId: string;
                        description?: string;
                        name: string;
                        phoneNumberIds?: string[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Connection"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/routing-rules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Routing rules in evaluation order: the connection's own, then the workspace-wide ones */
        get: {
            parameters: {
                query?: {
                    /** @description only this connection's rules; "none" for the workspace-wide ones */
                    connectionId?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["RoutingRule"][];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Add a rule at the end of its scope (a connection, or workspace-wide when connectionId is null) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        actions: components["schemas"]["RoutingActionInput"][];
                        conditions?: components["schemas"]["RoutingConditionsInput"];
                        connectionId?: string | null;
                        enabled?: boolean;
                        name: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SavedRoutingRule"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/routing-rules/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["RoutingRule"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        actions?: components["schemas"]["RoutingActionInput"][];
                        conditions?: components["schemas"]["RoutingConditionsInput"];
                        enabled?: boolean;
                        name?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SavedRoutingRule"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/routing-rules/order": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Set the order of a scope's rules (list every rule of the scope once, first evaluated first) */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description null: the workspace-wide rules */
                        connectionId: string | null;
                        ruleIds: string[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["RoutingRule"][];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/routing-rules/warnings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** What in the workspace's routing will not work as set up: rules that never fire, two agents for one connection's traffic, teams without members */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["RoutingWarning"][];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/routing/explain": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Which rule fires for this message, and why: a stored message (messageId), or a message described by connectionId, text and contact */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * Format: date-time
                         * @description when the message arrives (default: now)
                         */
                        at?: string;
                        connectionId?: string;
                        contactAttributes?: {
                            [key: string]: unknown;
                        };
                        contactId?: string;
                        messageId?: string;
                        newContact?: boolean;
                        text?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["RoutingExplanation"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/segments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: {
                    cursor?: string;
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["Segment"][];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        filter: components["schemas"]["SegmentFilterInput"];
                        name: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Segment"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/segments/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Segment"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        filter?: components["schemas"]["SegmentFilterInput"];
                        name?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Segment"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/segments/preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** How many contacts a filter matches now, and up to five of them; saves nothing */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        filter: components["schemas"]["SegmentFilterInput"];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            count: number;
                            sample: components["schemas"]["Contact"][];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: {
                    cursor?: string;
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["Team"][];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        members?: {
                            /** @description open conversations the operator takes at once from round-robin (0: none, e.g. away) */
                            capacity: number;
                            userId: string;
                        }[];
                        name: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Team"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Team"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete the team; its conversations leave the team inbox */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Rename, or replace the member list (added members and raised capacities take waiting conversations at once) */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        members?: {
                            /** @description open conversations the operator takes at once from round-robin (0: none, e.g. away) */
                            capacity: number;
                            userId: string;
                        }[];
                        name?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Team"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["User"][];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Invite a user; without a password one is generated and answered once */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** Format: email */
                        email: string;
                        name: string;
                        password?: string;
                        /** @enum {string} */
                        role: "owner" | "admin" | "operator";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            password?: string;
                            user: components["schemas"]["User"];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description required when you change your own password (not when an admin resets someone else’s) */
                        currentPassword?: string;
                        name?: string;
                        password?: string;
                        /** @description where a call handed to this operator rings (E.164 or a SIP URI), rung in turn with the team; null removes it */
                        phone?: string | null;
                        /** @enum {string} */
                        role?: "owner" | "admin" | "operator";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["User"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/webhook-deliveries/{id}/replay": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Deliver one delivery again (same delivery id) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["WebhookDelivery"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhook-subscriptions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: {
                    cursor?: string;
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["WebhookSubscription"][];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Subscribe a URL to events; deliveries are signed: Switchboard-Signature: v1=hex(HMAC-SHA256(secret, timestamp + "." + body)) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        active?: boolean;
                        description?: string;
                        /** @description event types to deliver; "*" for all; "workflow.trigger" alone: only the calls of routing workflows */
                        eventTypes: ("*" | "message.received" | "message.created" | "message.updated" | "message.status" | "conversation.created" | "conversation.updated" | "conversation.typing" | "contact.created" | "connection.status" | "connection.health" | "conversation.timeline" | "agent.status" | "campaign.status" | "campaign.progress" | "call.started" | "call.updated" | "call.ended" | "workflow.trigger")[];
                        secret?: string;
                        url: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["WebhookSubscription"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhook-subscriptions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["WebhookSubscription"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        active?: boolean;
                        description?: string;
                        /** @description event types to deliver; "*" for all; "workflow.trigger" alone: only the calls of routing workflows */
                        eventTypes?: ("*" | "message.received" | "message.created" | "message.updated" | "message.status" | "conversation.created" | "conversation.updated" | "conversation.typing" | "contact.created" | "connection.status" | "connection.health" | "conversation.timeline" | "agent.status" | "campaign.status" | "campaign.progress" | "call.started" | "call.updated" | "call.ended" | "workflow.trigger")[];
                        secret?: string;
                        url?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["WebhookSubscription"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/webhook-subscriptions/{id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The delivery log, newest first */
        get: {
            parameters: {
                query?: {
                    cursor?: string;
                    limit?: number;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["WebhookDelivery"][];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhook-subscriptions/{id}/replay": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Deliver again every delivery queued within [from, to] */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** Format: date-time */
                        from: string;
                        /** Format: date-time */
                        to: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            replayed: number;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workspace": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The workspace of the signed-in user */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Workspace"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Change workspace settings (owners and admins) */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        allowPrivateNetwork?: boolean;
                        keepDeletedContent?: boolean;
                        /** @description an email connection of this workspace, or null to send no e-mails */
                        notificationConnectionId?: string | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Workspace"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** 200 when the store and the bus are reachable */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/media/{id}/{key}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The bytes of an attachment (capability URL) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    key: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/media/{id}/link": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The bytes of an attachment through a signed, expiring link (what a channel without files gets) */
        get: {
            parameters: {
                query?: {
                    expires?: string;
                    signature?: string;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Prometheus metrics */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webchat/{connectionId}/messages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The visitor's conversation so far (for reloads) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    connectionId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        /** Send a visitor message (Bearer visitor token) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    connectionId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        attachment?: {
                            fileName?: string;
                            mimeType: string;
                            size?: number;
                            url: string;
                        };
                        clientMessageId: string;
                        name?: string;
                        text?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webchat/{connectionId}/offline": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** The offline form: leaves an email and a message; opens a conversation (optional Bearer visitor token) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    connectionId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        clientMessageId?: string;
                        /** Format: email */
                        email: string;
                        message: string;
                        name?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webchat/{connectionId}/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start an anonymous visitor session */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    connectionId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webchat/{connectionId}/settings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Public widget settings: appearance, greeting, whether the chat is inside its opening hours now, offline behaviour */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    connectionId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["WebchatPublicSettings"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webchat/{connectionId}/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Live operator replies and typing (SSE; token in the query for EventSource) */
        get: {
            parameters: {
                query?: {
                    token?: string;
                };
                header?: never;
                path: {
                    connectionId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webchat/{connectionId}/typing": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    connectionId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webchat/{connectionId}/uploads": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Upload a file to send (Bearer visitor token; the body is the file, Content-Type its type) */
        post: {
            parameters: {
                query?: {
                    fileName?: string;
                };
                header?: never;
                path: {
                    connectionId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        Agent: {
            /** @description secret fields are masked as "********" */
            config: {
                [key: string]: unknown;
            };
            createdAt: string;
            description: string;
            /** @description only in the answer to POST /agents: config fields the server generated because they were left empty (a webhook agent's signing secret); they appear in full in this answer only, masked afterwards */
            generatedSecrets?: string[];
            id: string;
            /** @enum {string} */
            kind: "flow" | "llm" | "webhook";
            name: string;
            /** @enum {string} */
            status: "STOPPED" | "STARTING" | "RUNNING" | "STOPPING" | "ERROR";
            statusReason: string | null;
            updatedAt: string;
        };
        AgentChannels: {
            data: {
                /** @description what the agent applied when it last started; null = not applied yet */
                active: {
                    inbound: boolean;
                } | null;
                channelType: string;
                connectionId: string;
                connectionName: string;
                /** @description this agent answers the connection's inbound messages (at most one agent per connection) */
                inbound: boolean;
            }[];
            /** @description the running agent has not applied the saved channels (changes apply at once, so rarely true) */
            restartRequired: boolean;
            /** @description routing that will not work as set up, involving this agent (e.g. a rule hands another agent all of a connection's traffic) */
            warnings: components["schemas"]["RoutingWarning"][];
        };
        AgentChannelsInput: {
            data: {
                /** @description what the agent applied when it last started; null = not applied yet */
                active: {
                    inbound: boolean;
                } | null;
                channelType: string;
                connectionId: string;
                connectionName: string;
                /** @description this agent answers the connection's inbound messages (at most one agent per connection) */
                inbound: boolean;
            }[];
            /** @description the running agent has not applied the saved channels (changes apply at once, so rarely true) */
            restartRequired: boolean;
            /** @description routing that will not work as set up, involving this agent (e.g. a rule hands another agent all of a connection's traffic) */
            warnings: components["schemas"]["RoutingWarningInput"][];
        };
        AgentInput: {
            /** @description secret fields are masked as "********" */
            config: {
                [key: string]: unknown;
            };
            createdAt: string;
            description: string;
            /** @description only in the answer to POST /agents: config fields the server generated because they were left empty (a webhook agent's signing secret); they appear in full in this answer only, masked afterwards */
            generatedSecrets?: string[];
            id: string;
            /** @enum {string} */
            kind: "flow" | "llm" | "webhook";
            name: string;
            /** @enum {string} */
            status: "STOPPED" | "STARTING" | "RUNNING" | "STOPPING" | "ERROR";
            statusReason: string | null;
            updatedAt: string;
        };
        AgentType: {
            configSchema: {
                [key: string]: unknown;
            };
            description: string;
            displayName: string;
            /** @enum {string} */
            kind: "flow" | "llm" | "webhook";
        };
        AgentTypeInput: {
            configSchema: {
                [key: string]: unknown;
            };
            description: string;
            displayName: string;
            /** @enum {string} */
            kind: "flow" | "llm" | "webhook";
        };
        Attachment: {
            fileName: string | null;
            id: string;
            mimeType: string;
            size: number;
            url: string;
        };
        AttachmentInput: {
            fileName: string | null;
            id: string;
            mimeType: string;
            size: number;
            url: string;
        };
        Call: {
            /** @description the agent an outbound call was placed for (it answers the call) */
            agentId: string | null;
            answeredAt: string | null;
            /** @description human or machine (answering-machine detection) when the provider said */
            answeredBy: string | null;
            connectionId: string;
            conversationId: string;
            createdAt: string;
            /** @enum {string} */
            direction: "inbound" | "outbound";
            durationSeconds: number | null;
            endedAt: string | null;
            /** @description E.164: the caller */
            from: string;
            hangupCause: string | null;
            id: string;
            providerCallId: string;
            startedAt: string;
            /**
             * @description ringing → in-progress → completed | busy | no-answer | failed | canceled
             * @enum {string}
             */
            state: "ringing" | "in-progress" | "completed" | "busy" | "no-answer" | "failed" | "canceled";
            /** @description E.164: the called number */
            to: string;
            updatedAt: string;
        };
        CallInput: {
            /** @description the agent an outbound call was placed for (it answers the call) */
            agentId: string | null;
            answeredAt: string | null;
            /** @description human or machine (answering-machine detection) when the provider said */
            answeredBy: string | null;
            connectionId: string;
            conversationId: string;
            createdAt: string;
            /** @enum {string} */
            direction: "inbound" | "outbound";
            durationSeconds: number | null;
            endedAt: string | null;
            /** @description E.164: the caller */
            from: string;
            hangupCause: string | null;
            id: string;
            providerCallId: string;
            startedAt: string;
            /**
             * @description ringing → in-progress → completed | busy | no-answer | failed | canceled
             * @enum {string}
             */
            state: "ringing" | "in-progress" | "completed" | "busy" | "no-answer" | "failed" | "canceled";
            /** @description E.164: the called number */
            to: string;
            updatedAt: string;
        };
        Campaign: {
            audience: {
                segmentId: string;
                /** @constant */
                type: "segment";
            } | {
                /** @constant */
                type: "contacts";
            };
            /** @description recipients once started; before, the audience as it is now */
            audienceCount?: number;
            createdAt: string;
            finishedAt: string | null;
            /** @description when every audience contact had become a recipient */
            frozenAt: string | null;
            id: string;
            name: string;
            scheduledAt: string | null;
            settings: {
                attributionHours?: number;
                endAt?: string;
                failurePause: {
                    ratio: number;
                    window: number;
                };
                inFlight: number;
                quietHours?: {
                    from: string;
                    timeZone: string;
                    to: string;
                };
                timeZone?: string;
            };
            startedAt: string | null;
            /** @enum {string} */
            status: "draft" | "scheduled" | "running" | "paused" | "completed" | "canceled";
            statusReason: string | null;
            steps: components["schemas"]["CampaignStep"][];
            updatedAt: string;
        };
        CampaignAudienceCheck: {
            audience: number;
            /** @description by reason: no_identity, opted_out */
            excluded: {
                [key: string]: number;
            };
            /** @description with an identity on the first step's channel type that is not opted out */
            included: number;
            /** @description what each step would send to the first few included contacts */
            sample: {
                contactId: string;
                name: string | null;
                steps: {
                    /** @description where the step goes on its channel; null when it cannot go there */
                    address: string | null;
                    /** @description why the step would not go: no_identity, opted_out, MISSING_FIELD (a field without value or fallback) */
                    blocked: string | null;
                    /** @description placeholders or variables with no value and no fallback */
                    missing: string[];
                    stepIndex: number;
                    subject?: string;
                    /** @description the template's variables as mapped for this contact */
                    template?: {
                        language: string;
                        name: string;
                        variables: {
                            [key: string]: string;
                        };
                    };
                    /** @description free text or email body with the placeholders filled */
                    text?: string;
                    /** @description an A/B step: the name of the variant this contact is assigned */
                    variant?: string;
                }[];
            }[];
        };
        CampaignAudienceCheckInput: {
            audience: number;
            /** @description by reason: no_identity, opted_out */
            excluded: {
                [key: string]: number;
            };
            /** @description with an identity on the first step's channel type that is not opted out */
            included: number;
            /** @description what each step would send to the first few included contacts */
            sample: {
                contactId: string;
                name: string | null;
                steps: {
                    /** @description where the step goes on its channel; null when it cannot go there */
                    address: string | null;
                    /** @description why the step would not go: no_identity, opted_out, MISSING_FIELD (a field without value or fallback) */
                    blocked: string | null;
                    /** @description placeholders or variables with no value and no fallback */
                    missing: string[];
                    stepIndex: number;
                    subject?: string;
                    /** @description the template's variables as mapped for this contact */
                    template?: {
                        language: string;
                        name: string;
                        variables: {
                            [key: string]: string;
                        };
                    };
                    /** @description free text or email body with the placeholders filled */
                    text?: string;
                    /** @description an A/B step: the name of the variant this contact is assigned */
                    variant?: string;
                }[];
            }[];
        };
        CampaignInput: {
            audience: {
                segmentId: string;
                /** @constant */
                type: "segment";
            } | {
                /** @constant */
                type: "contacts";
            };
            /** @description recipients once started; before, the audience as it is now */
            audienceCount?: number;
            createdAt: string;
            finishedAt: string | null;
            /** @description when every audience contact had become a recipient */
            frozenAt: string | null;
            id: string;
            name: string;
            scheduledAt: string | null;
            settings: {
                attributionHours?: number;
                endAt?: string;
                failurePause: {
                    ratio: number;
                    window: number;
                };
                inFlight: number;
                quietHours?: {
                    from: string;
                    timeZone: string;
                    to: string;
                };
                timeZone?: string;
            };
            startedAt: string | null;
            /** @enum {string} */
            status: "draft" | "scheduled" | "running" | "paused" | "completed" | "canceled";
            statusReason: string | null;
            steps: components["schemas"]["CampaignStepInput"][];
            updatedAt: string;
        };
        CampaignRecipient: {
            contactId: string;
            createdAt: string;
            id: string;
            /** @description the contact's name */
            name: string | null;
            /** @description why excluded: opted_out, no_identity */
            reason: string | null;
            /** @enum {string} */
            status: "included" | "excluded";
            steps: {
                /** @description when the job is due (a time-of-day step: the recipient's local time, once worked out) */
                dueAt: string;
                failureCode: string | null;
                messageId: string | null;
                messageStatus: string | null;
                reason: string | null;
                replied: boolean;
                /** @description the first reply attributed to the step */
                repliedAt: string | null;
                /** @enum {string} */
                status: "pending" | "claimed" | "queued" | "skipped" | "failed" | "canceled";
                stepIndex: number;
                /** @description the A/B variant's index into the step's variants (null: none) */
                variant: number | null;
            }[];
        };
        CampaignRecipientInput: {
            contactId: string;
            createdAt: string;
            id: string;
            /** @description the contact's name */
            name: string | null;
            /** @description why excluded: opted_out, no_identity */
            reason: string | null;
            /** @enum {string} */
            status: "included" | "excluded";
            steps: {
                /** @description when the job is due (a time-of-day step: the recipient's local time, once worked out) */
                dueAt: string;
                failureCode: string | null;
                messageId: string | null;
                messageStatus: string | null;
                reason: string | null;
                replied: boolean;
                /** @description the first reply attributed to the step */
                repliedAt: string | null;
                /** @enum {string} */
                status: "pending" | "claimed" | "queued" | "skipped" | "failed" | "canceled";
                stepIndex: number;
                /** @description the A/B variant's index into the step's variants (null: none) */
                variant: number | null;
            }[];
        };
        CampaignStats: {
            audience: number;
            excluded: {
                [key: string]: number;
            };
            included: number;
            /** @enum {string} */
            status: "draft" | "scheduled" | "running" | "paused" | "completed" | "canceled";
            steps: {
                /** @description delivered or read */
                delivered: number;
                failed: number;
                failedBy: {
                    [key: string]: number;
                };
                pending: number;
                queued: number;
                read: number;
                replied: number;
                /** @description sent, delivered or read */
                sent: number;
                skipped: {
                    [key: string]: number;
                };
                stepIndex: number;
                /** @description per A/B variant; empty for a step without variants */
                variants: components["schemas"]["CampaignVariantStats"][];
            }[];
        };
        CampaignStatsInput: {
            audience: number;
            excluded: {
                [key: string]: number;
            };
            included: number;
            /** @enum {string} */
            status: "draft" | "scheduled" | "running" | "paused" | "completed" | "canceled";
            steps: {
                /** @description delivered or read */
                delivered: number;
                failed: number;
                failedBy: {
                    [key: string]: number;
                };
                pending: number;
                queued: number;
                read: number;
                replied: number;
                /** @description sent, delivered or read */
                sent: number;
                skipped: {
                    [key: string]: number;
                };
                stepIndex: number;
                /** @description per A/B variant; empty for a step without variants */
                variants: components["schemas"]["CampaignVariantStatsInput"][];
            }[];
        };
        CampaignStep: {
            /**
             * @default always
             * @enum {string}
             */
            condition: "always" | "not_replied" | "not_read" | "failed";
            connectionId: string;
            /** @description the step's content; an A/B step has `variants` instead */
            content?: components["schemas"]["CampaignStepContent"];
            /**
             * @description after the previous step was queued
             * @default 0
             */
            delaySeconds: number;
            /**
             * @description a reply to this step ends the recipient's sequence
             * @default true
             */
            stopOnReply: boolean;
            /** @description send at this local time of day, counted from when the step came due (after delaySeconds) */
            timeOfDay?: {
                /**
                 * @description 0: the same day while the time is still ahead, else the next day
                 * @default 0
                 */
                daysAfter: number;
                /** @description local time in the contact's time zone (attribute timeZone), else settings.timeZone */
                time: string;
            };
            /** @description an A/B split: percentages summing to 100; each recipient gets one variant, the same on every retry (a hash of campaign, step and contact) */
            variants?: {
                content: components["schemas"]["CampaignStepContent"];
                /** @description shown in the statistics, e.g. "A" */
                name: string;
                /** @description the share of the step's recipients that get it */
                percent: number;
            }[];
        };
        CampaignStepContent: {
            /** @description {{contact.name}}, {{contact.attributes.city | fallback}} */
            text: string;
            /** @constant */
            type: "text";
        } | {
            language: string;
            name: string;
            /** @constant */
            type: "template";
            /** @default {} */
            variables: {
                [key: string]: {
                    fallback?: string;
                    /** @description name, address or attributes.<key> */
                    field: string;
                } | {
                    /** @description a constant */
                    value: string;
                };
            };
        } | {
            subject: string;
            text: string;
            /** @constant */
            type: "email";
        };
        CampaignStepContentInput: {
            /** @description {{contact.name}}, {{contact.attributes.city | fallback}} */
            text: string;
            /** @constant */
            type: "text";
        } | {
            language: string;
            name: string;
            /** @constant */
            type: "template";
            /** @default {} */
            variables: {
                [key: string]: {
                    fallback?: string;
                    /** @description name, address or attributes.<key> */
                    field: string;
                } | {
                    /** @description a constant */
                    value: string;
                };
            };
        } | {
            subject: string;
            text: string;
            /** @constant */
            type: "email";
        };
        CampaignStepInput: {
            /**
             * @default always
             * @enum {string}
             */
            condition: "always" | "not_replied" | "not_read" | "failed";
            connectionId: string;
            /** @description the step's content; an A/B step has `variants` instead */
            content?: components["schemas"]["CampaignStepContentInput"];
            /**
             * @description after the previous step was queued
             * @default 0
             */
            delaySeconds: number;
            /**
             * @description a reply to this step ends the recipient's sequence
             * @default true
             */
            stopOnReply: boolean;
            /** @description send at this local time of day, counted from when the step came due (after delaySeconds) */
            timeOfDay?: {
                /**
                 * @description 0: the same day while the time is still ahead, else the next day
                 * @default 0
                 */
                daysAfter: number;
                /** @description local time in the contact's time zone (attribute timeZone), else settings.timeZone */
                time: string;
            };
            /** @description an A/B split: percentages summing to 100; each recipient gets one variant, the same on every retry (a hash of campaign, step and contact) */
            variants?: {
                content: components["schemas"]["CampaignStepContentInput"];
                /** @description shown in the statistics, e.g. "A" */
                name: string;
                /** @description the share of the step's recipients that get it */
                percent: number;
            }[];
        };
        CampaignVariantStats: {
            /** @description recipients assigned this variant so far */
            assigned: number;
            /** @description delivered or read */
            delivered: number;
            failed: number;
            failedBy: {
                [key: string]: number;
            };
            name: string;
            pending: number;
            queued: number;
            read: number;
            replied: number;
            /** @description sent, delivered or read */
            sent: number;
            skipped: {
                [key: string]: number;
            };
            variant: number;
        };
        CampaignVariantStatsInput: {
            /** @description recipients assigned this variant so far */
            assigned: number;
            /** @description delivered or read */
            delivered: number;
            failed: number;
            failedBy: {
                [key: string]: number;
            };
            name: string;
            pending: number;
            queued: number;
            read: number;
            replied: number;
            /** @description sent, delivered or read */
            sent: number;
            skipped: {
                [key: string]: number;
            };
            variant: number;
        };
        Connection: {
            /** @description secret fields are masked as "********" */
            config: {
                [key: string]: unknown;
            };
            createdAt: string;
            deprecated: boolean;
            description: string;
            /** @description beside the status (a RUNNING connection stays RUNNING): what the provider and the messages say; null for a connection never checked and not running; in GET answers */
            health?: components["schemas"]["ConnectionHealth"] | null;
            id: string;
            name: string;
            /** @enum {string} */
            status: "STOPPED" | "STARTING" | "RUNNING" | "STOPPING" | "ERROR";
            statusReason: string | null;
            type: string;
            updatedAt: string;
            webhookUrl: string;
        };
        ConnectionChecks: {
            checks: {
                /** @description the server's answer, or what went wrong */
                answer: string;
                /** @description which server: IMAP, SMTP */
                name: string;
                ok: boolean;
            }[];
        };
        ConnectionChecksInput: {
            checks: {
                /** @description the server's answer, or what went wrong */
                answer: string;
                /** @description which server: IMAP, SMTP */
                name: string;
                ok: boolean;
            }[];
        };
        ConnectionHealth: {
            checks: {
                checkedAt: string;
                /** @description what was found, in the provider's words where it said something, and the fix */
                detail: string;
                /** @description a credential's end, when the check is about one */
                expiresAt?: string;
                /** @description webhook, pending_updates, account, long_poll, token_expiry, data_access, provider, first_message, outbound_errors, … */
                name: string;
                /** @description where the check stands within its state (a credential's 14d, then 3d warning); a move is an event */
                stage?: string;
                /** @enum {string} */
                state: "healthy" | "warning" | "failing";
            }[];
            /**
             * @description the worst state of the checks
             * @enum {string}
             */
            state: "healthy" | "warning" | "failing";
            updatedAt: string;
        };
        ConnectionHealthInput: {
            checks: {
                checkedAt: string;
                /** @description what was found, in the provider's words where it said something, and the fix */
                detail: string;
                /** @description a credential's end, when the check is about one */
                expiresAt?: string;
                /** @description webhook, pending_updates, account, long_poll, token_expiry, data_access, provider, first_message, outbound_errors, … */
                name: string;
                /** @description where the check stands within its state (a credential's 14d, then 3d warning); a move is an event */
                stage?: string;
                /** @enum {string} */
                state: "healthy" | "warning" | "failing";
            }[];
            /**
             * @description the worst state of the checks
             * @enum {string}
             */
            state: "healthy" | "warning" | "failing";
            updatedAt: string;
        };
        ConnectionHealthSummary: {
            connectionId: string;
            health: components["schemas"]["ConnectionHealth"] | null;
            /** @description messages per hour over the last 24 hours, oldest first, each hour by its start */
            hourly: {
                hour: string;
                inbound: number;
                outbound: number;
            }[];
            lastHour: {
                /** @description outboundTrouble / outbound (0 without outbound) */
                errorRate: number;
                /** @description the provider's answer time, median (null without calls) */
                latencyP50Ms: number | null;
                /** @description the provider's answer time, 95th percentile */
                latencyP95Ms: number | null;
                /** @description outbound messages created in the last hour */
                outbound: number;
                /** @description of those: failed, or waiting for a retry after a provider error */
                outboundTrouble: number;
                /** @description send calls to the provider in the last hour, every process's */
                providerCalls: number;
                /** @description of those: answered 429 (rate limited) */
                rateLimited: number;
                /** @description of those: a 5xx answer, a timeout or no answer */
                serverErrors: number;
            };
            lastInboundAt: string | null;
            lastOutboundAt: string | null;
            name: string;
            /** @enum {string} */
            status: "STOPPED" | "STARTING" | "RUNNING" | "STOPPING" | "ERROR";
            type: string;
        };
        ConnectionHealthSummaryInput: {
            connectionId: string;
            health: components["schemas"]["ConnectionHealthInput"] | null;
            /** @description messages per hour over the last 24 hours, oldest first, each hour by its start */
            hourly: {
                hour: string;
                inbound: number;
                outbound: number;
            }[];
            lastHour: {
                /** @description outboundTrouble / outbound (0 without outbound) */
                errorRate: number;
                /** @description the provider's answer time, median (null without calls) */
                latencyP50Ms: number | null;
                /** @description the provider's answer time, 95th percentile */
                latencyP95Ms: number | null;
                /** @description outbound messages created in the last hour */
                outbound: number;
                /** @description of those: failed, or waiting for a retry after a provider error */
                outboundTrouble: number;
                /** @description send calls to the provider in the last hour, every process's */
                providerCalls: number;
                /** @description of those: answered 429 (rate limited) */
                rateLimited: number;
                /** @description of those: a 5xx answer, a timeout or no answer */
                serverErrors: number;
            };
            lastInboundAt: string | null;
            lastOutboundAt: string | null;
            name: string;
            /** @enum {string} */
            status: "STOPPED" | "STARTING" | "RUNNING" | "STOPPING" | "ERROR";
            type: string;
        };
        ConnectionInput: {
            /** @description secret fields are masked as "********" */
            config: {
                [key: string]: unknown;
            };
            createdAt: string;
            deprecated: boolean;
            description: string;
            /** @description beside the status (a RUNNING connection stays RUNNING): what the provider and the messages say; null for a connection never checked and not running; in GET answers */
            health?: components["schemas"]["ConnectionHealthInput"] | null;
            id: string;
            name: string;
            /** @enum {string} */
            status: "STOPPED" | "STARTING" | "RUNNING" | "STOPPING" | "ERROR";
            statusReason: string | null;
            type: string;
            updatedAt: string;
            webhookUrl: string;
        };
        ConnectionLog: {
            at: string;
            event: string;
            id: string;
            level: string;
            message: string;
        };
        ConnectionLogInput: {
            at: string;
            event: string;
            id: string;
            level: string;
            message: string;
        };
        ConnectorType: {
            /**
             * @description what a customer address on this channel is: a phone number (normalized to E.164), an email address, or an opaque provider id kept as sent
             * @enum {string}
             */
            addressKind: "phone" | "email" | "opaque";
            /** @description POST /connections/{id}/check reports each of the provider's servers' answers ("Test connection") */
            canCheck: boolean;
            capabilities: {
                [key: string]: unknown;
            };
            configSchema: {
                [key: string]: unknown;
            };
            description: string;
            displayName: string;
            /** @description the optional abilities the connector holds (typing, templates, internalNotes, health, …): what the app offers on this channel beyond its content types */
            features: string[];
            /** @description an admin brings secrets from the provider (a bot token, an access token); false: the hub generates what it needs */
            needsCredentials: boolean;
            type: string;
        };
        ConnectorTypeInput: {
            /**
             * @description what a customer address on this channel is: a phone number (normalized to E.164), an email address, or an opaque provider id kept as sent
             * @enum {string}
             */
            addressKind: "phone" | "email" | "opaque";
            /** @description POST /connections/{id}/check reports each of the provider's servers' answers ("Test connection") */
            canCheck: boolean;
            capabilities: {
                [key: string]: unknown;
            };
            configSchema: {
                [key: string]: unknown;
            };
            description: string;
            displayName: string;
            /** @description the optional abilities the connector holds (typing, templates, internalNotes, health, …): what the app offers on this channel beyond its content types */
            features: string[];
            /** @description an admin brings secrets from the provider (a bot token, an access token); false: the hub generates what it needs */
            needsCredentials: boolean;
            type: string;
        };
        Consent: {
            address: string;
            channelType: string;
            /** @description the keyword the customer wrote (source keyword) */
            keyword: string | null;
            optedOut: boolean;
            /** @description when the address last opted out */
            optedOutAt: string | null;
            /**
             * @description how the consent was last set
             * @enum {string}
             */
            source: "keyword" | "api" | "import" | "operator" | "provider";
            updatedAt: string;
        };
        ConsentInput: {
            address: string;
            channelType: string;
            /** @description the keyword the customer wrote (source keyword) */
            keyword: string | null;
            optedOut: boolean;
            /** @description when the address last opted out */
            optedOutAt: string | null;
            /**
             * @description how the consent was last set
             * @enum {string}
             */
            source: "keyword" | "api" | "import" | "operator" | "provider";
            updatedAt: string;
        };
        ConsentList: {
            data: components["schemas"]["Consent"][];
        };
        ConsentListInput: {
            data: components["schemas"]["ConsentInput"][];
        };
        Contact: {
            attributes: {
                [key: string]: unknown;
            };
            createdAt: string;
            id: string;
            identities?: {
                address: string;
                channelType: string;
                connectionId: string | null;
                id: string;
            }[];
            name: string | null;
            /** @description the contact's own tags (filter the list with ?tag=) */
            tags?: string[];
            updatedAt: string;
        };
        Contact360: {
            attributes: {
                [key: string]: unknown;
            };
            /** @description opt-outs (and opt-ins after one) of the contact's identities, by channel type */
            consent: components["schemas"]["Consent"][];
            /** @description the contact's conversations on every channel, most recent first */
            conversations: components["schemas"]["Conversation"][];
            createdAt: string;
            id: string;
            identities?: {
                address: string;
                channelType: string;
                connectionId: string | null;
                id: string;
            }[];
            name: string | null;
            /** @description the contact's own tags (filter the list with ?tag=) */
            tags?: string[];
            updatedAt: string;
        };
        Contact360Input: {
            attributes: {
                [key: string]: unknown;
            };
            /** @description opt-outs (and opt-ins after one) of the contact's identities, by channel type */
            consent: components["schemas"]["ConsentInput"][];
            /** @description the contact's conversations on every channel, most recent first */
            conversations: components["schemas"]["ConversationInput"][];
            createdAt: string;
            id: string;
            identities?: {
                address: string;
                channelType: string;
                connectionId: string | null;
                id: string;
            }[];
            name: string | null;
            /** @description the contact's own tags (filter the list with ?tag=) */
            tags?: string[];
            updatedAt: string;
        };
        ContactDuplicates: {
            data: {
                contact: components["schemas"]["Contact"];
                reasons: {
                    /** @enum {string} */
                    kind: "phone" | "email" | "name";
                    /** @description the normalized phone number or email both share, or the name */
                    value: string;
                }[];
            }[];
        };
        ContactDuplicatesInput: {
            data: {
                contact: components["schemas"]["ContactInput"];
                reasons: {
                    /** @enum {string} */
                    kind: "phone" | "email" | "name";
                    /** @description the normalized phone number or email both share, or the name */
                    value: string;
                }[];
            }[];
        };
        ContactErased: {
            conversations: number;
            /** @constant */
            erased: true;
            messages: number;
        };
        ContactErasedInput: {
            conversations: number;
            /** @constant */
            erased: true;
            messages: number;
        };
        ContactExport: {
            contact: components["schemas"]["Contact"];
            /** @description every conversation with every message; media appear as the hub's own URLs in the content */
            conversations: {
                address: string;
                agentId: string | null;
                assigneeId: string | null;
                channelType: string;
                connectionId: string;
                contactId: string;
                createdAt: string;
                /** @description who answers: an agent, or humans (the agent stays silent); null before routing */
                handler: ("agent" | "human") | null;
                id: string;
                lastMessageAt: string | null;
                lastMessagePreview: string | null;
                messages: components["schemas"]["Message"][];
                senderAddress: string | null;
                /** @enum {string} */
                status: "open" | "pending" | "resolved";
                /** @description a mail thread's subject ("Re:" stripped); null on channels without subjects */
                subject: string | null;
                tags: string[];
                /** @description the team inbox it sits in */
                teamId: string | null;
                threadKey: string | null;
                unreadCount: number;
                updatedAt: string;
                /** @description the provider customer-service window, where the channel has one */
                window: {
                    awaitingReply: boolean;
                    expiresAt: string;
                    /** @description channels with a human-agent extension (Messenger, Instagram): until when a human operator's reply may still go */
                    humanAgentExpiresAt?: string | null;
                    /** @description the standard window is closed and only a human operator's reply may go (sent with HUMAN_AGENT) */
                    humanAgentOnly?: boolean;
                    open: boolean;
                    /** @description when the business-initiated template the customer has not answered yet was sent (null when none waits); another can be sent once the channel's window hours have passed since */
                    templateSentAt: string | null;
                } | null;
            }[];
            exportedAt: string;
            identities: {
                address: string;
                channelType: string;
                connectionId: string | null;
                createdAt: string;
                id: string;
            }[];
        };
        ContactExportInput: {
            contact: components["schemas"]["ContactInput"];
            /** @description every conversation with every message; media appear as the hub's own URLs in the content */
            conversations: {
                address: string;
                agentId: string | null;
                assigneeId: string | null;
                channelType: string;
                connectionId: string;
                contactId: string;
                createdAt: string;
                /** @description who answers: an agent, or humans (the agent stays silent); null before routing */
                handler: ("agent" | "human") | null;
                id: string;
                lastMessageAt: string | null;
                lastMessagePreview: string | null;
                messages: components["schemas"]["MessageInput"][];
                senderAddress: string | null;
                /** @enum {string} */
                status: "open" | "pending" | "resolved";
                /** @description a mail thread's subject ("Re:" stripped); null on channels without subjects */
                subject: string | null;
                tags: string[];
                /** @description the team inbox it sits in */
                teamId: string | null;
                threadKey: string | null;
                unreadCount: number;
                updatedAt: string;
                /** @description the provider customer-service window, where the channel has one */
                window: {
                    awaitingReply: boolean;
                    expiresAt: string;
                    /** @description channels with a human-agent extension (Messenger, Instagram): until when a human operator's reply may still go */
                    humanAgentExpiresAt?: string | null;
                    /** @description the standard window is closed and only a human operator's reply may go (sent with HUMAN_AGENT) */
                    humanAgentOnly?: boolean;
                    open: boolean;
                    /** @description when the business-initiated template the customer has not answered yet was sent (null when none waits); another can be sent once the channel's window hours have passed since */
                    templateSentAt: string | null;
                } | null;
            }[];
            exportedAt: string;
            identities: {
                address: string;
                channelType: string;
                connectionId: string | null;
                createdAt: string;
                id: string;
            }[];
        };
        ContactImportReport: {
            created: number;
            /** @description columns read and validated but not stored */
            ignoredColumns: string[];
            rejected: {
                /** @description the column at fault; null when the row as a whole is */
                field: string | null;
                reason: string;
                /** @description as a spreadsheet numbers it: the header is row 1 */
                row: number;
            }[];
            /** @description rows that matched a contact already holding every value they carry */
            unchanged: number;
            updated: number;
        };
        ContactImportReportInput: {
            created: number;
            /** @description columns read and validated but not stored */
            ignoredColumns: string[];
            rejected: {
                /** @description the column at fault; null when the row as a whole is */
                field: string | null;
                reason: string;
                /** @description as a spreadsheet numbers it: the header is row 1 */
                row: number;
            }[];
            /** @description rows that matched a contact already holding every value they carry */
            unchanged: number;
            updated: number;
        };
        ContactInput: {
            attributes: {
                [key: string]: unknown;
            };
            createdAt: string;
            id: string;
            identities?: {
                address: string;
                channelType: string;
                connectionId: string | null;
                id: string;
            }[];
            name: string | null;
            /** @description the contact's own tags (filter the list with ?tag=) */
            tags?: string[];
            updatedAt: string;
        };
        ContactMergeResult: {
            /** @description the merged-away contact's attribute values the survivor's overrode (also kept in the timeline) */
            conflicts: {
                [key: string]: unknown;
            };
            contact: components["schemas"]["Contact360"];
        };
        ContactMergeResultInput: {
            /** @description the merged-away contact's attribute values the survivor's overrode (also kept in the timeline) */
            conflicts: {
                [key: string]: unknown;
            };
            contact: components["schemas"]["Contact360Input"];
        };
        Conversation: {
            address: string;
            agentId: string | null;
            assigneeId: string | null;
            channelType: string;
            connectionId: string;
            contactId: string;
            createdAt: string;
            /** @description who answers: an agent, or humans (the agent stays silent); null before routing */
            handler: ("agent" | "human") | null;
            id: string;
            lastMessageAt: string | null;
            lastMessagePreview: string | null;
            senderAddress: string | null;
            /** @enum {string} */
            status: "open" | "pending" | "resolved";
            /** @description a mail thread's subject ("Re:" stripped); null on channels without subjects */
            subject: string | null;
            tags: string[];
            /** @description the team inbox it sits in */
            teamId: string | null;
            threadKey: string | null;
            unreadCount: number;
            updatedAt: string;
            /** @description the provider customer-service window, where the channel has one */
            window: {
                awaitingReply: boolean;
                expiresAt: string;
                /** @description channels with a human-agent extension (Messenger, Instagram): until when a human operator's reply may still go */
                humanAgentExpiresAt?: string | null;
                /** @description the standard window is closed and only a human operator's reply may go (sent with HUMAN_AGENT) */
                humanAgentOnly?: boolean;
                open: boolean;
                /** @description when the business-initiated template the customer has not answered yet was sent (null when none waits); another can be sent once the channel's window hours have passed since */
                templateSentAt: string | null;
            } | null;
        };
        ConversationInput: {
            address: string;
            agentId: string | null;
            assigneeId: string | null;
            channelType: string;
            connectionId: string;
            contactId: string;
            createdAt: string;
            /** @description who answers: an agent, or humans (the agent stays silent); null before routing */
            handler: ("agent" | "human") | null;
            id: string;
            lastMessageAt: string | null;
            lastMessagePreview: string | null;
            senderAddress: string | null;
            /** @enum {string} */
            status: "open" | "pending" | "resolved";
            /** @description a mail thread's subject ("Re:" stripped); null on channels without subjects */
            subject: string | null;
            tags: string[];
            /** @description the team inbox it sits in */
            teamId: string | null;
            threadKey: string | null;
            unreadCount: number;
            updatedAt: string;
            /** @description the provider customer-service window, where the channel has one */
            window: {
                awaitingReply: boolean;
                expiresAt: string;
                /** @description channels with a human-agent extension (Messenger, Instagram): until when a human operator's reply may still go */
                humanAgentExpiresAt?: string | null;
                /** @description the standard window is closed and only a human operator's reply may go (sent with HUMAN_AGENT) */
                humanAgentOnly?: boolean;
                open: boolean;
                /** @description when the business-initiated template the customer has not answered yet was sent (null when none waits); another can be sent once the channel's window hours have passed since */
                templateSentAt: string | null;
            } | null;
        };
        DeadLetter: {
            createdAt: string;
            deliveries: number;
            error: string;
            id: string;
            key: string;
            payload: {
                [key: string]: unknown;
            };
            replayedAt: string | null;
            topic: string;
        };
        DeadLetterInput: {
            createdAt: string;
            deliveries: number;
            error: string;
            id: string;
            key: string;
            payload: {
                [key: string]: unknown;
            };
            replayedAt: string | null;
            topic: string;
        };
        DeliveryPreview: {
            channelName: string;
            channelType: string;
            choices?: {
                id: string;
                /** @enum {string} */
                kind: "button_reply" | "list_reply";
                n: number;
                title: string;
            }[];
            degraded: ("buttons_as_text" | "list_as_text" | "cards_as_text" | "text_split" | "media_as_link" | "location_as_text" | "contact_as_text" | "reaction_dropped")[];
            maxTextLength?: number;
            note: string;
            parts: ({
                text: string;
                /** @constant */
                type: "text";
            } | {
                media: {
                    caption?: string;
                    fileName?: string;
                    mimeType: string;
                    providerMediaId?: string;
                    size?: number;
                    /** @enum {string} */
                    state?: "pending" | "ready" | "failed";
                    /** @description Served by Switchboard itself once the bytes are stored. To send: the url of an upload of this workspace (POST /api/v1/media), or an http(s) URL the hub fetches into its own store first; anything else is 400 */
                    url: string;
                };
                /** @enum {string} */
                type: "image" | "audio" | "video" | "document" | "sticker";
            } | {
                location: {
                    address?: string;
                    latitude: number;
                    longitude: number;
                    name?: string;
                };
                /** @constant */
                type: "location";
            } | {
                contacts: {
                    /** @default [] */
                    emails: string[];
                    name: string;
                    /** @default [] */
                    phones: string[];
                }[];
                /** @constant */
                type: "contact";
            } | {
                interactive: {
                    buttons?: {
                        id: string;
                        title: string;
                    }[];
                    /** @enum {string} */
                    kind: "buttons" | "list" | "button_reply" | "list_reply";
                    reply?: {
                        id: string;
                        title: string;
                    };
                    text?: string;
                };
                /** @constant */
                type: "interactive";
            } | {
                cards: {
                    /** @default [] */
                    buttons: {
                        id: string;
                        title: string;
                        /** Format: uri */
                        url?: string;
                    }[];
                    /** Format: uri */
                    imageUrl?: string;
                    subtitle?: string;
                    title: string;
                }[];
                text?: string;
                /** @constant */
                type: "cards";
            } | {
                reaction: {
                    emoji: string;
                    targetProviderMessageId: string;
                };
                /** @constant */
                type: "reaction";
            } | {
                template: {
                    language: string;
                    name: string;
                    text?: string;
                    /** @default {} */
                    variables: {
                        [key: string]: string;
                    };
                };
                /** @constant */
                type: "template";
            })[];
            segments?: components["schemas"]["SmsSegments"];
        };
        DeliveryPreviewInput: {
            channelName: string;
            channelType: string;
            choices?: {
                id: string;
                /** @enum {string} */
                kind: "button_reply" | "list_reply";
                n: number;
                title: string;
            }[];
            degraded: ("buttons_as_text" | "list_as_text" | "cards_as_text" | "text_split" | "media_as_link" | "location_as_text" | "contact_as_text" | "reaction_dropped")[];
            maxTextLength?: number;
            note: string;
            parts: ({
                text: string;
                /** @constant */
                type: "text";
            } | {
                media: {
                    caption?: string;
                    fileName?: string;
                    mimeType: string;
                    providerMediaId?: string;
                    size?: number;
                    /** @enum {string} */
                    state?: "pending" | "ready" | "failed";
                    /** @description Served by Switchboard itself once the bytes are stored. To send: the url of an upload of this workspace (POST /api/v1/media), or an http(s) URL the hub fetches into its own store first; anything else is 400 */
                    url: string;
                };
                /** @enum {string} */
                type: "image" | "audio" | "video" | "document" | "sticker";
            } | {
                location: {
                    address?: string;
                    latitude: number;
                    longitude: number;
                    name?: string;
                };
                /** @constant */
                type: "location";
            } | {
                contacts: {
                    /** @default [] */
                    emails: string[];
                    name: string;
                    /** @default [] */
                    phones: string[];
                }[];
                /** @constant */
                type: "contact";
            } | {
                interactive: {
                    buttons?: {
                        id: string;
                        title: string;
                    }[];
                    /** @enum {string} */
                    kind: "buttons" | "list" | "button_reply" | "list_reply";
                    reply?: {
                        id: string;
                        title: string;
                    };
                    text?: string;
                };
                /** @constant */
                type: "interactive";
            } | {
                cards: {
                    /** @default [] */
                    buttons: {
                        id: string;
                        title: string;
                        /** Format: uri */
                        url?: string;
                    }[];
                    /** Format: uri */
                    imageUrl?: string;
                    subtitle?: string;
                    title: string;
                }[];
                text?: string;
                /** @constant */
                type: "cards";
            } | {
                reaction: {
                    emoji: string;
                    targetProviderMessageId: string;
                };
                /** @constant */
                type: "reaction";
            } | {
                template: {
                    language: string;
                    name: string;
                    text?: string;
                    /** @default {} */
                    variables: {
                        [key: string]: string;
                    };
                };
                /** @constant */
                type: "template";
            })[];
            segments?: components["schemas"]["SmsSegmentsInput"];
        };
        Error: {
            error: {
                code: string;
                details?: unknown;
                message: string;
            };
        };
        ErrorInput: {
            error: {
                code: string;
                details?: unknown;
                message: string;
            };
        };
        FlowTryResult: {
            collect: {
                [key: string]: string;
            };
            handoff: {
                reason: string;
            } | null;
            replies: {
                [key: string]: unknown;
            }[];
            state: {
                [key: string]: unknown;
            };
        };
        FlowTryResultInput: {
            collect: {
                [key: string]: string;
            };
            handoff: {
                reason: string;
            } | null;
            replies: {
                [key: string]: unknown;
            }[];
            state: {
                [key: string]: unknown;
            };
        };
        InboundHolders: {
            data: {
                /** @description the agent is running and answers the inbound messages now */
                active: boolean;
                agentId: string;
                agentName: string;
                connectionId: string;
                connectionName: string;
            }[];
        };
        InboundHoldersInput: {
            data: {
                /** @description the agent is running and answers the inbound messages now */
                active: boolean;
                agentId: string;
                agentName: string;
                connectionId: string;
                connectionName: string;
            }[];
        };
        MergedContact: {
            /** @description the contact this one was merged into */
            mergedInto: string;
        };
        MergedContactInput: {
            /** @description the contact this one was merged into */
            mergedInto: string;
        };
        Message: {
            channelType: string;
            connectionId: string;
            content: {
                text: string;
                /** @constant */
                type: "text";
            } | {
                media: {
                    caption?: string;
                    fileName?: string;
                    mimeType: string;
                    providerMediaId?: string;
                    size?: number;
                    /** @enum {string} */
                    state?: "pending" | "ready" | "failed";
                    /** @description Served by Switchboard itself once the bytes are stored. To send: the url of an upload of this workspace (POST /api/v1/media), or an http(s) URL the hub fetches into its own store first; anything else is 400 */
                    url: string;
                };
                /** @enum {string} */
                type: "image" | "audio" | "video" | "document" | "sticker";
            } | {
                location: {
                    address?: string;
                    latitude: number;
                    longitude: number;
                    name?: string;
                };
                /** @constant */
                type: "location";
            } | {
                contacts: {
                    /** @default [] */
                    emails: string[];
                    name: string;
                    /** @default [] */
                    phones: string[];
                }[];
                /** @constant */
                type: "contact";
            } | {
                interactive: {
                    buttons?: {
                        id: string;
                        title: string;
                    }[];
                    /** @enum {string} */
                    kind: "buttons" | "list" | "button_reply" | "list_reply";
                    reply?: {
                        id: string;
                        title: string;
                    };
                    text?: string;
                };
                /** @constant */
                type: "interactive";
            } | {
                cards: {
                    /** @default [] */
                    buttons: {
                        id: string;
                        title: string;
                        /** Format: uri */
                        url?: string;
                    }[];
                    /** Format: uri */
                    imageUrl?: string;
                    subtitle?: string;
                    title: string;
                }[];
                text?: string;
                /** @constant */
                type: "cards";
            } | {
                reaction: {
                    emoji: string;
                    targetProviderMessageId: string;
                };
                /** @constant */
                type: "reaction";
            } | {
                template: {
                    language: string;
                    name: string;
                    text?: string;
                    /** @default {} */
                    variables: {
                        [key: string]: string;
                    };
                };
                /** @constant */
                type: "template";
            };
            conversationId: string;
            /** @enum {string} */
            direction: "inbound" | "outbound";
            editedAt: string | null;
            from: string;
            id: string;
            metadata: {
                [key: string]: unknown;
            };
            providerMessageId: string | null;
            /** @enum {string} */
            status: "received" | "queued" | "sent" | "delivered" | "read" | "failed";
            statusAt?: string | null;
            statusDetail: {
                code: string;
                message: string;
            } | null;
            timestamp: string;
            to: string;
        };
        MessageInput: {
            channelType: string;
            connectionId: string;
            content: {
                text: string;
                /** @constant */
                type: "text";
            } | {
                media: {
                    caption?: string;
                    fileName?: string;
                    mimeType: string;
                    providerMediaId?: string;
                    size?: number;
                    /** @enum {string} */
                    state?: "pending" | "ready" | "failed";
                    /** @description Served by Switchboard itself once the bytes are stored. To send: the url of an upload of this workspace (POST /api/v1/media), or an http(s) URL the hub fetches into its own store first; anything else is 400 */
                    url: string;
                };
                /** @enum {string} */
                type: "image" | "audio" | "video" | "document" | "sticker";
            } | {
                location: {
                    address?: string;
                    latitude: number;
                    longitude: number;
                    name?: string;
                };
                /** @constant */
                type: "location";
            } | {
                contacts: {
                    /** @default [] */
                    emails: string[];
                    name: string;
                    /** @default [] */
                    phones: string[];
                }[];
                /** @constant */
                type: "contact";
            } | {
                interactive: {
                    buttons?: {
                        id: string;
                        title: string;
                    }[];
                    /** @enum {string} */
                    kind: "buttons" | "list" | "button_reply" | "list_reply";
                    reply?: {
                        id: string;
                        title: string;
                    };
                    text?: string;
                };
                /** @constant */
                type: "interactive";
            } | {
                cards: {
                    /** @default [] */
                    buttons: {
                        id: string;
                        title: string;
                        /** Format: uri */
                        url?: string;
                    }[];
                    /** Format: uri */
                    imageUrl?: string;
                    subtitle?: string;
                    title: string;
                }[];
                text?: string;
                /** @constant */
                type: "cards";
            } | {
                reaction: {
                    emoji: string;
                    targetProviderMessageId: string;
                };
                /** @constant */
                type: "reaction";
            } | {
                template: {
                    language: string;
                    name: string;
                    text?: string;
                    /** @default {} */
                    variables: {
                        [key: string]: string;
                    };
                };
                /** @constant */
                type: "template";
            };
            conversationId: string;
            /** @enum {string} */
            direction: "inbound" | "outbound";
            editedAt: string | null;
            from: string;
            id: string;
            metadata: {
                [key: string]: unknown;
            };
            providerMessageId: string | null;
            /** @enum {string} */
            status: "received" | "queued" | "sent" | "delivered" | "read" | "failed";
            statusAt?: string | null;
            statusDetail: {
                code: string;
                message: string;
            } | null;
            timestamp: string;
            to: string;
        };
        MetaConnectAccounts: {
            channelType: string;
            pages: {
                id: string;
                instagram?: {
                    id: string;
                    username?: string;
                };
                name: string;
            }[];
            whatsapp: {
                businessAccountId: string;
                phoneNumbers: {
                    displayPhoneNumber?: string;
                    id: string;
                    verifiedName?: string;
                }[];
            }[];
        };
        MetaConnectAccountsInput: {
            channelType: string;
            pages: {
                id: string;
                instagram?: {
                    id: string;
                    username?: string;
                };
                name: string;
            }[];
            whatsapp: {
                businessAccountId: string;
                phoneNumbers: {
                    displayPhoneNumber?: string;
                    id: string;
                    verifiedName?: string;
                }[];
            }[];
        };
        MetaConnectStatus: {
            enabled: boolean;
            reason: string | null;
            types: string[];
        };
        MetaConnectStatusInput: {
            enabled: boolean;
            reason: string | null;
            types: string[];
        };
        PlaceCall: {
            /** @description the agent (flow or LLM) that talks to the callee instead of the connection's inbound agent: of this workspace (404), running and attached to the connection (409) */
            agentId?: string;
            connectionId: string;
            /** @description spoken when the call is answered (else the connection's greeting) */
            greeting?: string;
            /** @description the number to call; any spelling, normalised to E.164 */
            to: string;
        };
        PlaceCallInput: {
            /** @description the agent (flow or LLM) that talks to the callee instead of the connection's inbound agent: of this workspace (404), running and attached to the connection (409) */
            agentId?: string;
            connectionId: string;
            /** @description spoken when the call is answered (else the connection's greeting) */
            greeting?: string;
            /** @description the number to call; any spelling, normalised to E.164 */
            to: string;
        };
        QueuedMessage: {
            channelType: string;
            connectionId: string;
            content: {
                text: string;
                /** @constant */
                type: "text";
            } | {
                media: {
                    caption?: string;
                    fileName?: string;
                    mimeType: string;
                    providerMediaId?: string;
                    size?: number;
                    /** @enum {string} */
                    state?: "pending" | "ready" | "failed";
                    /** @description Served by Switchboard itself once the bytes are stored. To send: the url of an upload of this workspace (POST /api/v1/media), or an http(s) URL the hub fetches into its own store first; anything else is 400 */
                    url: string;
                };
                /** @enum {string} */
                type: "image" | "audio" | "video" | "document" | "sticker";
            } | {
                location: {
                    address?: string;
                    latitude: number;
                    longitude: number;
                    name?: string;
                };
                /** @constant */
                type: "location";
            } | {
                contacts: {
                    /** @default [] */
                    emails: string[];
                    name: string;
                    /** @default [] */
                    phones: string[];
                }[];
                /** @constant */
                type: "contact";
            } | {
                interactive: {
                    buttons?: {
                        id: string;
                        title: string;
                    }[];
                    /** @enum {string} */
                    kind: "buttons" | "list" | "button_reply" | "list_reply";
                    reply?: {
                        id: string;
                        title: string;
                    };
                    text?: string;
                };
                /** @constant */
                type: "interactive";
            } | {
                cards: {
                    /** @default [] */
                    buttons: {
                        id: string;
                        title: string;
                        /** Format: uri */
                        url?: string;
                    }[];
                    /** Format: uri */
                    imageUrl?: string;
                    subtitle?: string;
                    title: string;
                }[];
                text?: string;
                /** @constant */
                type: "cards";
            } | {
                reaction: {
                    emoji: string;
                    targetProviderMessageId: string;
                };
                /** @constant */
                type: "reaction";
            } | {
                template: {
                    language: string;
                    name: string;
                    text?: string;
                    /** @default {} */
                    variables: {
                        [key: string]: string;
                    };
                };
                /** @constant */
                type: "template";
            };
            conversationId: string;
            /** @enum {string} */
            direction: "inbound" | "outbound";
            editedAt: string | null;
            from: string;
            id: string;
            metadata: {
                [key: string]: unknown;
            };
            providerMessageId: string | null;
            segments?: components["schemas"]["SmsSegments"];
            /** @enum {string} */
            status: "received" | "queued" | "sent" | "delivered" | "read" | "failed";
            statusAt?: string | null;
            statusDetail: {
                code: string;
                message: string;
            } | null;
            timestamp: string;
            to: string;
        };
        QueuedMessageInput: {
            channelType: string;
            connectionId: string;
            content: {
                text: string;
                /** @constant */
                type: "text";
            } | {
                media: {
                    caption?: string;
                    fileName?: string;
                    mimeType: string;
                    providerMediaId?: string;
                    size?: number;
                    /** @enum {string} */
                    state?: "pending" | "ready" | "failed";
                    /** @description Served by Switchboard itself once the bytes are stored. To send: the url of an upload of this workspace (POST /api/v1/media), or an http(s) URL the hub fetches into its own store first; anything else is 400 */
                    url: string;
                };
                /** @enum {string} */
                type: "image" | "audio" | "video" | "document" | "sticker";
            } | {
                location: {
                    address?: string;
                    latitude: number;
                    longitude: number;
                    name?: string;
                };
                /** @constant */
                type: "location";
            } | {
                contacts: {
                    /** @default [] */
                    emails: string[];
                    name: string;
                    /** @default [] */
                    phones: string[];
                }[];
                /** @constant */
                type: "contact";
            } | {
                interactive: {
                    buttons?: {
                        id: string;
                        title: string;
                    }[];
                    /** @enum {string} */
                    kind: "buttons" | "list" | "button_reply" | "list_reply";
                    reply?: {
                        id: string;
                        title: string;
                    };
                    text?: string;
                };
                /** @constant */
                type: "interactive";
            } | {
                cards: {
                    /** @default [] */
                    buttons: {
                        id: string;
                        title: string;
                        /** Format: uri */
                        url?: string;
                    }[];
                    /** Format: uri */
                    imageUrl?: string;
                    subtitle?: string;
                    title: string;
                }[];
                text?: string;
                /** @constant */
                type: "cards";
            } | {
                reaction: {
                    emoji: string;
                    targetProviderMessageId: string;
                };
                /** @constant */
                type: "reaction";
            } | {
                template: {
                    language: string;
                    name: string;
                    text?: string;
                    /** @default {} */
                    variables: {
                        [key: string]: string;
                    };
                };
                /** @constant */
                type: "template";
            };
            conversationId: string;
            /** @enum {string} */
            direction: "inbound" | "outbound";
            editedAt: string | null;
            from: string;
            id: string;
            metadata: {
                [key: string]: unknown;
            };
            providerMessageId: string | null;
            segments?: components["schemas"]["SmsSegmentsInput"];
            /** @enum {string} */
            status: "received" | "queued" | "sent" | "delivered" | "read" | "failed";
            statusAt?: string | null;
            statusDetail: {
                code: string;
                message: string;
            } | null;
            timestamp: string;
            to: string;
        };
        RoutingAction: {
            agentId: string;
            /** @constant */
            type: "agent";
        } | {
            teamId: string;
            /** @constant */
            type: "team";
        } | {
            /** @constant */
            type: "assign";
            userId: string;
        } | {
            tag: string;
            /** @constant */
            type: "tag";
        } | {
            text: string;
            /** @constant */
            type: "reply";
        } | {
            /** @constant */
            type: "workflow";
            webhookId: string;
        };
        RoutingActionInput: {
            agentId: string;
            /** @constant */
            type: "agent";
        } | {
            teamId: string;
            /** @constant */
            type: "team";
        } | {
            /** @constant */
            type: "assign";
            userId: string;
        } | {
            tag: string;
            /** @constant */
            type: "tag";
        } | {
            text: string;
            /** @constant */
            type: "reply";
        } | {
            /** @constant */
            type: "workflow";
            webhookId: string;
        };
        RoutingConditions: {
            businessHours?: {
                days: ("mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun")[];
                from: string;
                /**
                 * @description true: holds inside these hours; false: outside them
                 * @default true
                 */
                inside: boolean;
                /** @description IANA time zone, e.g. Europe/Berlin */
                timeZone: string;
                /** @description exclusive; before `from` = the range runs past midnight */
                to: string;
            };
            /** @description the connection type is one of these */
            channelTypes?: string[];
            contactAttributes?: {
                /** @description compared as trimmed text, case-insensitively */
                equals?: string | number | boolean;
                exists?: boolean;
                key: string;
            }[];
            /** @description any of these words or phrases, whole words, case-insensitive */
            keywords?: string[];
            /** @description true: the contact has no earlier conversation; false: a returning contact */
            newContact?: boolean;
            /** @description a regular expression in RE2 syntax (no lookaround or backreferences), tested case-insensitively against the first 4,096 characters of the message text */
            regex?: string;
        };
        RoutingConditionsInput: {
            businessHours?: {
                days: ("mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun")[];
                from: string;
                /**
                 * @description true: holds inside these hours; false: outside them
                 * @default true
                 */
                inside: boolean;
                /** @description IANA time zone, e.g. Europe/Berlin */
                timeZone: string;
                /** @description exclusive; before `from` = the range runs past midnight */
                to: string;
            };
            /** @description the connection type is one of these */
            channelTypes?: string[];
            contactAttributes?: {
                /** @description compared as trimmed text, case-insensitively */
                equals?: string | number | boolean;
                exists?: boolean;
                key: string;
            }[];
            /** @description any of these words or phrases, whole words, case-insensitive */
            keywords?: string[];
            /** @description true: the contact has no earlier conversation; false: a returning contact */
            newContact?: boolean;
            /** @description a regular expression in RE2 syntax (no lookaround or backreferences), tested case-insensitively against the first 4,096 characters of the message text */
            regex?: string;
        };
        RoutingExplanation: {
            /** @description null: no rule fired, the default route applies */
            firedRule: {
                id: string;
                name: string;
            } | null;
            input: {
                at: string;
                channelType: string;
                connectionId: string;
                contactAttributes: {
                    [key: string]: unknown;
                };
                newContact: boolean;
                text: string;
            };
            route: {
                actions: components["schemas"]["RoutingAction"][];
                agentId: string | null;
                assigneeId: string | null;
                /** @enum {string} */
                handler: "agent" | "human";
                notes: string[];
                replies: string[];
                /** @enum {string} */
                source: "rule" | "default" | "continued";
                tags: string[];
                teamId: string | null;
            };
            rules: {
                checks: {
                    condition: string;
                    detail: string;
                    ok: boolean;
                }[];
                connectionId: string | null;
                enabled: boolean;
                fired: boolean;
                matched: boolean;
                name: string;
                position: number;
                reason: string;
                ruleId: string;
            }[];
        };
        RoutingExplanationInput: {
            /** @description null: no rule fired, the default route applies */
            firedRule: {
                id: string;
                name: string;
            } | null;
            input: {
                at: string;
                channelType: string;
                connectionId: string;
                contactAttributes: {
                    [key: string]: unknown;
                };
                newContact: boolean;
                text: string;
            };
            route: {
                actions: components["schemas"]["RoutingActionInput"][];
                agentId: string | null;
                assigneeId: string | null;
                /** @enum {string} */
                handler: "agent" | "human";
                notes: string[];
                replies: string[];
                /** @enum {string} */
                source: "rule" | "default" | "continued";
                tags: string[];
                teamId: string | null;
            };
            rules: {
                checks: {
                    condition: string;
                    detail: string;
                    ok: boolean;
                }[];
                connectionId: string | null;
                enabled: boolean;
                fired: boolean;
                matched: boolean;
                name: string;
                position: number;
                reason: string;
                ruleId: string;
            }[];
        };
        RoutingRule: {
            actions: components["schemas"]["RoutingAction"][];
            conditions: components["schemas"]["RoutingConditions"];
            /** @description null: every connection of the workspace, after the connection's own rules */
            connectionId: string | null;
            createdAt: string;
            enabled: boolean;
            id: string;
            name: string;
            position: number;
            updatedAt: string;
        };
        RoutingRuleInput: {
            actions: components["schemas"]["RoutingActionInput"][];
            conditions: components["schemas"]["RoutingConditionsInput"];
            /** @description null: every connection of the workspace, after the connection's own rules */
            connectionId: string | null;
            createdAt: string;
            enabled: boolean;
            id: string;
            name: string;
            position: number;
            updatedAt: string;
        };
        RoutingWarning: {
            /**
             * @description rule_shadowed: the rule never fires, an earlier rule matches every message it matches; agents_compete: the rule hands all of a connection's new conversations to another agent than the connection's inbound agent; team_empty: the rule sends to a team with no members
             * @enum {string}
             */
            code: "rule_shadowed" | "agents_compete" | "team_empty";
            message: string;
            /** @description the rule the warning is about */
            ruleId?: string;
        };
        RoutingWarningInput: {
            /**
             * @description rule_shadowed: the rule never fires, an earlier rule matches every message it matches; agents_compete: the rule hands all of a connection's new conversations to another agent than the connection's inbound agent; team_empty: the rule sends to a team with no members
             * @enum {string}
             */
            code: "rule_shadowed" | "agents_compete" | "team_empty";
            message: string;
            /** @description the rule the warning is about */
            ruleId?: string;
        };
        SavedRoutingRule: {
            actions: components["schemas"]["RoutingAction"][];
            conditions: components["schemas"]["RoutingConditions"];
            /** @description null: every connection of the workspace, after the connection's own rules */
            connectionId: string | null;
            createdAt: string;
            enabled: boolean;
            id: string;
            name: string;
            position: number;
            updatedAt: string;
            /** @description what will not work as set up, involving this rule (the save succeeded all the same) */
            warnings: components["schemas"]["RoutingWarning"][];
        };
        SavedRoutingRuleInput: {
            actions: components["schemas"]["RoutingActionInput"][];
            conditions: components["schemas"]["RoutingConditionsInput"];
            /** @description null: every connection of the workspace, after the connection's own rules */
            connectionId: string | null;
            createdAt: string;
            enabled: boolean;
            id: string;
            name: string;
            position: number;
            updatedAt: string;
            /** @description what will not work as set up, involving this rule (the save succeeded all the same) */
            warnings: components["schemas"]["RoutingWarningInput"][];
        };
        Segment: {
            /** @description contacts matching now (single reads only) */
            count?: number;
            createdAt: string;
            filter: components["schemas"]["SegmentFilter"];
            id: string;
            name: string;
            updatedAt: string;
        };
        SegmentCondition: {
            /** @constant */
            field: "attribute";
            key: string;
            /** @enum {string} */
            op: "equals" | "not_equals" | "contains" | "exists" | "not_exists";
            /** @description compared as trimmed, case-insensitive text */
            value?: string;
        } | {
            /** @constant */
            field: "tag";
            /** @enum {string} */
            op: "has" | "not_has";
            value: string;
        } | {
            /** @constant */
            field: "channel";
            /** @enum {string} */
            op: "has" | "not_has";
            /** @description a channel type the contact has an identity on */
            value: string;
        } | {
            /** @constant */
            field: "conversationStatus";
            /** @enum {string} */
            op: "has" | "not_has";
            /** @enum {string} */
            value: "open" | "pending" | "resolved";
        } | {
            /** @enum {string} */
            field: "lastInboundAt" | "createdAt";
            /** @enum {string} */
            op: "before" | "after";
            /**
             * Format: date-time
             * @description an ISO-8601 instant
             */
            value: string;
        } | {
            /** @enum {string} */
            field: "lastInboundAt" | "createdAt";
            /** @enum {string} */
            op: "within_days" | "not_within_days";
            value: number;
        };
        SegmentConditionInput: {
            /** @constant */
            field: "attribute";
            key: string;
            /** @enum {string} */
            op: "equals" | "not_equals" | "contains" | "exists" | "not_exists";
            /** @description compared as trimmed, case-insensitive text */
            value?: string;
        } | {
            /** @constant */
            field: "tag";
            /** @enum {string} */
            op: "has" | "not_has";
            value: string;
        } | {
            /** @constant */
            field: "channel";
            /** @enum {string} */
            op: "has" | "not_has";
            /** @description a channel type the contact has an identity on */
            value: string;
        } | {
            /** @constant */
            field: "conversationStatus";
            /** @enum {string} */
            op: "has" | "not_has";
            /** @enum {string} */
            value: "open" | "pending" | "resolved";
        } | {
            /** @enum {string} */
            field: "lastInboundAt" | "createdAt";
            /** @enum {string} */
            op: "before" | "after";
            /**
             * Format: date-time
             * @description an ISO-8601 instant
             */
            value: string;
        } | {
            /** @enum {string} */
            field: "lastInboundAt" | "createdAt";
            /** @enum {string} */
            op: "within_days" | "not_within_days";
            value: number;
        };
        /** @description AND (all) / OR (any) groups of conditions, nested at most four levels */
        SegmentFilter: {
            all: (components["schemas"]["SegmentCondition"] | components["schemas"]["SegmentGroup3"])[];
        } | {
            any: (components["schemas"]["SegmentCondition"] | components["schemas"]["SegmentGroup3"])[];
        };
        /** @description AND (all) / OR (any) groups of conditions, nested at most four levels */
        SegmentFilterInput: {
            all: (components["schemas"]["SegmentConditionInput"] | components["schemas"]["SegmentGroup3Input"])[];
        } | {
            any: (components["schemas"]["SegmentConditionInput"] | components["schemas"]["SegmentGroup3Input"])[];
        };
        SegmentGroup1: {
            all: components["schemas"]["SegmentCondition"][];
        } | {
            any: components["schemas"]["SegmentCondition"][];
        };
        SegmentGroup1Input: {
            all: components["schemas"]["SegmentConditionInput"][];
        } | {
            any: components["schemas"]["SegmentConditionInput"][];
        };
        SegmentGroup2: {
            all: (components["schemas"]["SegmentCondition"] | components["schemas"]["SegmentGroup1"])[];
        } | {
            any: (components["schemas"]["SegmentCondition"] | components["schemas"]["SegmentGroup1"])[];
        };
        SegmentGroup2Input: {
            all: (components["schemas"]["SegmentConditionInput"] | components["schemas"]["SegmentGroup1Input"])[];
        } | {
            any: (components["schemas"]["SegmentConditionInput"] | components["schemas"]["SegmentGroup1Input"])[];
        };
        SegmentGroup3: {
            all: (components["schemas"]["SegmentCondition"] | components["schemas"]["SegmentGroup2"])[];
        } | {
            any: (components["schemas"]["SegmentCondition"] | components["schemas"]["SegmentGroup2"])[];
        };
        SegmentGroup3Input: {
            all: (components["schemas"]["SegmentConditionInput"] | components["schemas"]["SegmentGroup2Input"])[];
        } | {
            any: (components["schemas"]["SegmentConditionInput"] | components["schemas"]["SegmentGroup2Input"])[];
        };
        SegmentInput: {
            /** @description contacts matching now (single reads only) */
            count?: number;
            createdAt: string;
            filter: components["schemas"]["SegmentFilterInput"];
            id: string;
            name: string;
            updatedAt: string;
        };
        SetConsent: {
            /** @description one identity of that channel type; all of them when absent */
            address?: string;
            /** @description the channel type, such as whatsapp */
            channelType: string;
            /** @description true: nothing more is sent on this channel type; false: sends are allowed again */
            optedOut: boolean;
            /**
             * @description who recorded it: an operator in the app, or an integration (default)
             * @default api
             * @enum {string}
             */
            source: "operator" | "api";
        };
        SetConsentInput: {
            /** @description one identity of that channel type; all of them when absent */
            address?: string;
            /** @description the channel type, such as whatsapp */
            channelType: string;
            /** @description true: nothing more is sent on this channel type; false: sends are allowed again */
            optedOut: boolean;
            /**
             * @description who recorded it: an operator in the app, or an integration (default)
             * @default api
             * @enum {string}
             */
            source: "operator" | "api";
        };
        SmsSegments: {
            characters: number;
            /** @description how many SMS segments the text is sent and billed as */
            count: number;
            /**
             * @description GSM-7: 160 characters per SMS (153 per part); UCS-2: 70 (67)
             * @enum {string}
             */
            encoding: "GSM-7" | "UCS-2";
            /** @description characters one segment holds in this encoding */
            perSegment: number;
            /** @description the characters that forced UCS-2 */
            unicodeCharacters: string[];
        };
        SmsSegmentsInput: {
            characters: number;
            /** @description how many SMS segments the text is sent and billed as */
            count: number;
            /**
             * @description GSM-7: 160 characters per SMS (153 per part); UCS-2: 70 (67)
             * @enum {string}
             */
            encoding: "GSM-7" | "UCS-2";
            /** @description characters one segment holds in this encoding */
            perSegment: number;
            /** @description the characters that forced UCS-2 */
            unicodeCharacters: string[];
        };
        Team: {
            createdAt: string;
            id: string;
            /** @description the round-robin cursor */
            lastAssignedUserId: string | null;
            members: {
                /** @description open conversations the operator takes at once from round-robin (0: none, e.g. away) */
                capacity: number;
                userId: string;
            }[];
            name: string;
            updatedAt: string;
        };
        TeamInput: {
            createdAt: string;
            id: string;
            /** @description the round-robin cursor */
            lastAssignedUserId: string | null;
            members: {
                /** @description open conversations the operator takes at once from round-robin (0: none, e.g. away) */
                capacity: number;
                userId: string;
            }[];
            name: string;
            updatedAt: string;
        };
        Template: {
            body: string;
            category: string;
            components: unknown[];
            id: string;
            language: string;
            name: string;
            status: string;
            syncedAt: string;
            /** @description values may reference the contact: {{contact.name}}, {{contact.address}}, {{contact.attributes.key}} */
            variables: string[];
        };
        TemplateInput: {
            body: string;
            category: string;
            components: unknown[];
            id: string;
            language: string;
            name: string;
            status: string;
            syncedAt: string;
            /** @description values may reference the contact: {{contact.name}}, {{contact.address}}, {{contact.attributes.key}} */
            variables: string[];
        };
        TestEventRequested: {
            /** @description what the provider answered */
            detail: string;
            /** @constant */
            requested: true;
        };
        TestEventRequestedInput: {
            /** @description what the provider answered */
            detail: string;
            /** @constant */
            requested: true;
        };
        TimelineEvent: {
            /** @description 'system', 'rule:<id>', 'agent:<id>' or 'user:<id>' */
            actor: string;
            at: string;
            conversationId: string;
            data: {
                [key: string]: unknown;
            };
            id: string;
            /** @description rule.fired, routed.default, routed.continued, agent.replied, agent.error, agent.unavailable, handoff, returned_to_agent, assigned, unassigned, team.queued, tagged, auto_reply, auto_reply.failed, resolved, workflow.answered, workflow.failed, campaign.sent */
            type: string;
        };
        TimelineEventInput: {
            /** @description 'system', 'rule:<id>', 'agent:<id>' or 'user:<id>' */
            actor: string;
            at: string;
            conversationId: string;
            data: {
                [key: string]: unknown;
            };
            id: string;
            /** @description rule.fired, routed.default, routed.continued, agent.replied, agent.error, agent.unavailable, handoff, returned_to_agent, assigned, unassigned, team.queued, tagged, auto_reply, auto_reply.failed, resolved, workflow.answered, workflow.failed, campaign.sent */
            type: string;
        };
        User: {
            createdAt: string;
            email: string;
            id: string;
            name: string;
            /** @description where a phone call transferred to this operator rings */
            phone: string | null;
            /** @enum {string} */
            role: "owner" | "admin" | "operator";
            workspaceId: string;
        };
        UserInput: {
            createdAt: string;
            email: string;
            id: string;
            name: string;
            /** @description where a phone call transferred to this operator rings */
            phone: string | null;
            /** @enum {string} */
            role: "owner" | "admin" | "operator";
            workspaceId: string;
        };
        WebchatPublicSettings: {
            appearance: {
                avatarUrl: string | null;
                color: string;
                /** @enum {string} */
                position: "right" | "left";
                title: string;
            };
            connectionId: string;
            greeting: string | null;
            offline: {
                /** @enum {string} */
                mode: "form" | "message" | "chat";
                text: string;
            };
            /** @description inside the opening hours now (always true when hours are off) */
            open: boolean;
            operatingHours: {
                schedule: {
                    /** @enum {string} */
                    day: "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";
                    from: string;
                    to: string;
                }[];
                timeZone: string;
            } | null;
        };
        WebchatPublicSettingsInput: {
            appearance: {
                avatarUrl: string | null;
                color: string;
                /** @enum {string} */
                position: "right" | "left";
                title: string;
            };
            connectionId: string;
            greeting: string | null;
            offline: {
                /** @enum {string} */
                mode: "form" | "message" | "chat";
                text: string;
            };
            /** @description inside the opening hours now (always true when hours are off) */
            open: boolean;
            operatingHours: {
                schedule: {
                    /** @enum {string} */
                    day: "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";
                    from: string;
                    to: string;
                }[];
                timeZone: string;
            } | null;
        };
        WebhookDelivery: {
            attempts: number;
            /** @description when it was (re)queued */
            createdAt: string;
            deliveredAt: string | null;
            eventId: string;
            eventType: string;
            /** @description Switchboard-Delivery header: the same across retries and replays */
            id: string;
            lastError: string | null;
            lastStatusCode: number | null;
            nextAttemptAt: string | null;
            /** @enum {string} */
            status: "pending" | "delivered" | "dead";
        };
        WebhookDeliveryInput: {
            attempts: number;
            /** @description when it was (re)queued */
            createdAt: string;
            deliveredAt: string | null;
            eventId: string;
            eventType: string;
            /** @description Switchboard-Delivery header: the same across retries and replays */
            id: string;
            lastError: string | null;
            lastStatusCode: number | null;
            nextAttemptAt: string | null;
            /** @enum {string} */
            status: "pending" | "delivered" | "dead";
        };
        WebhookSubscription: {
            active: boolean;
            createdAt: string;
            description: string;
            eventTypes: string[];
            id: string;
            /** @description the signing secret: shown in full only in the answer that created it, masked afterwards */
            secret: string;
            updatedAt: string;
            url: string;
        };
        WebhookSubscriptionInput: {
            active: boolean;
            createdAt: string;
            description: string;
            eventTypes: string[];
            id: string;
            /** @description the signing secret: shown in full only in the answer that created it, masked afterwards */
            secret: string;
            updatedAt: string;
            url: string;
        };
        Workspace: {
            /** @description admin-configured URLs (webhook receivers, agents) may reach private ranges such as 10.0.0.0/8 or 127.0.0.1; link-local and cloud metadata addresses are refused regardless */
            allowPrivateNetwork: boolean;
            createdAt: string;
            id: string;
            /** @description what a customer deletes (Instagram unsend) is kept out of the conversation for audit, readable by owners and admins at GET /messages/{id}/deleted-content; off: it is dropped */
            keepDeletedContent: boolean;
            name: string;
            /** @description the email connection the workspace's owners and admins are written to about the hub itself: a connection's health turning warning or failing, and back (at most one mail per connection per SWITCHBOARD_NOTIFY_MIN_INTERVAL_MINUTES); null: no e-mails */
            notificationConnectionId: string | null;
        };
        WorkspaceInput: {
            /** @description admin-configured URLs (webhook receivers, agents) may reach private ranges such as 10.0.0.0/8 or 127.0.0.1; link-local and cloud metadata addresses are refused regardless */
            allowPrivateNetwork: boolean;
            createdAt: string;
            id: string;
            /** @description what a customer deletes (Instagram unsend) is kept out of the conversation for audit, readable by owners and admins at GET /messages/{id}/deleted-content; off: it is dropped */
            keepDeletedContent: boolean;
            name: string;
            /** @description the email connection the workspace's owners and admins are written to about the hub itself: a connection's health turning warning or failing, and back (at most one mail per connection per SWITCHBOARD_NOTIFY_MIN_INTERVAL_MINUTES); null: no e-mails */
            notificationConnectionId: string | null;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
