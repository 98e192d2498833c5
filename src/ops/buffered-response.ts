/**
 * The response with its body read into memory. API and token answers are small JSON documents;
 * reading them whole lets the caller bound the read with its own deadline, and lets the body be
 * read more than once (the retry layer looks at an error body before the caller does).
 */
export async function bufferedResponse(response: Response): Promise<Response> {
  if (response.body === null) return response;
  const body = await response.arrayBuffer();
  const copy = new Response(response.status === 204 || response.status === 304 ? null : body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  // Response's constructor cannot set url; error messages use its pathname.
  Object.defineProperty(copy, "url", { value: response.url });
  return copy;
}
