import type { ButtonProps } from 'antd';

/** Button props carrying a `data-testid` (AntD passes unknown attributes through to the button element). */
export function testIdProps(id: string): ButtonProps {
  const props: ButtonProps & { 'data-testid': string } = { 'data-testid': id };
  return props;
}
