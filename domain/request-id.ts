// The Temporal header that carries the API request id from the HTTP request into the workflow
// and on to its activities, so an activity's log lines name the request that caused them.
export const REQUEST_ID_HEADER = 'switchyard-request-id';
/** Header values are untrusted input: only an id of this shape is passed on (hono's requestId() accepts up to 255). */
export const REQUEST_ID_PATTERN = /^[\w\-.:]{1,255}$/;
