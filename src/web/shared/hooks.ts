import { Grid } from 'antd';

/** True below AntD's `sm` breakpoint (576 px): phones get cards and single columns. */
export function useIsPhone(): boolean {
  const screens = Grid.useBreakpoint();
  // Before the first measurement every breakpoint is undefined: assume desktop on wide windows.
  if (screens.sm === undefined) return typeof window !== 'undefined' && window.innerWidth < 576;
  return !screens.sm;
}

/** True below `md` (768 px): the side menu collapses into a drawer. */
export function useIsNarrow(): boolean {
  const screens = Grid.useBreakpoint();
  if (screens.md === undefined) return typeof window !== 'undefined' && window.innerWidth < 768;
  return !screens.md;
}
