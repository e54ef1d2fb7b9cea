import type { FormItemProps } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';

/** Form.Item props that keep a DatePicker's value as a `YYYY-MM-DD` string in the form store. */
export const dateStringProps: Pick<FormItemProps, 'getValueProps' | 'normalize'> = {
  getValueProps: (v: unknown) => ({ value: typeof v === 'string' && v ? dayjs(v) : null }),
  normalize: (d: Dayjs | null) => (d ? d.format('YYYY-MM-DD') : null),
};
