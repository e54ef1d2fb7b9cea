import { QueryClient } from '@tanstack/react-query';
import { ApiError } from '../shared/api';

/** Client errors (4xx) are answers, not glitches: never retried. Network and 5xx errors are retried once. */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      refetchOnWindowFocus: false,
      staleTime: 30_000,
      retry: (count, err) => {
        if (err instanceof ApiError && err.status >= 400 && err.status < 500) return false;
        return count < 1;
      },
    },
    mutations: { retry: false },
  },
});
