import { Card, Empty, List, type PaginationProps, Table, type TableColumnsType, type TableProps } from 'antd';
import type { CSSProperties, HTMLAttributes, Key, ReactNode } from 'react';
import { Link } from 'react-router';
import { useIsPhone } from './hooks';

export interface ResponsiveListProps<T> {
  /** `data-testid` of the container: the List on a phone, the Table otherwise. */
  testId?: string;
  loading?: boolean;
  items: readonly T[];
  rowKey: keyof T | ((row: T) => Key);
  /** Shown as `<Empty description={emptyText} />` when there are no rows (antd's own empty state when absent). */
  emptyText?: ReactNode;
  columns: TableColumnsType<T>;
  /** Pagination of both views; none by default. */
  pagination?: PaginationProps | false;
  /** The card list's own pagination, when it should differ from the table's (e.g. no size changer). */
  phonePagination?: PaginationProps | false;
  /** Further Table props (`size` defaults to small): scroll, onChange… */
  table?: Omit<
    TableProps<T>,
    'columns' | 'dataSource' | 'loading' | 'rowKey' | 'locale' | 'onRow' | 'pagination' | 'rowClassName'
  >;
  /** The row on a phone: the content of its List.Item, or of its Card when `phoneItem` is `card`. */
  renderCard: (row: T) => ReactNode;
  /** `item` (default): List.Item rows with `cardExtra` on the right; `card`: one small Card per row. */
  phoneItem?: 'item' | 'card';
  /** The List.Item's `extra` (or the Card's), typically the row's actions. */
  cardExtra?: (row: T) => ReactNode;
  /** `card` only: style added to each Card's (after its 8 px bottom margin). */
  cardStyle?: (row: T) => CSSProperties;
  /** `card` only: the whole card is a link to this address (the row's test id then goes on the link). */
  cardLink?: (row: T) => string;
  /** `data-testid` of each row: the table row, the List.Item, the Card or its link. */
  rowTestId?: (row: T) => string;
  /** Class of each row: the table row, the List.Item or the Card (e.g. highlighting what just arrived). */
  rowClassName?: (row: T) => string | undefined;
}

/**
 * The list of a page that fits both a desk and a phone: a Table of `columns` on wide screens, and on phones
 * (below `sm`, {@link useIsPhone}) a List of cards drawn by `renderCard`. Both views share the container and
 * row test ids, loading state, empty text and pagination, so a page states them once instead of twice.
 */
export function ResponsiveList<T extends object>({
  testId,
  loading = false,
  items,
  rowKey,
  emptyText,
  columns,
  pagination = false,
  phonePagination,
  table,
  renderCard,
  phoneItem = 'item',
  cardExtra,
  cardStyle,
  cardLink,
  rowTestId,
  rowClassName,
}: ResponsiveListProps<T>) {
  const phone = useIsPhone();
  const locale = emptyText === undefined ? undefined : { emptyText: <Empty description={emptyText} /> };

  if (phone) {
    const renderItem = (row: T) => {
      if (phoneItem === 'item') {
        return (
          <List.Item data-testid={rowTestId?.(row)} className={rowClassName?.(row)} extra={cardExtra?.(row)}>
            {renderCard(row)}
          </List.Item>
        );
      }
      const href = cardLink?.(row);
      const card = (
        <Card
          size="small"
          style={{ marginBottom: 8, ...cardStyle?.(row) }}
          className={rowClassName?.(row)}
          data-testid={href === undefined ? rowTestId?.(row) : undefined}
          extra={cardExtra?.(row)}
        >
          {renderCard(row)}
        </Card>
      );
      return href === undefined ? (
        card
      ) : (
        <Link to={href} data-testid={rowTestId?.(row)}>
          {card}
        </Link>
      );
    };
    return (
      <List<T>
        data-testid={testId}
        loading={loading}
        dataSource={items}
        rowKey={rowKey}
        locale={locale}
        pagination={phonePagination ?? pagination}
        renderItem={renderItem}
      />
    );
  }

  return (
    <Table<T>
      size="small"
      {...table}
      data-testid={testId}
      rowKey={rowKey}
      loading={loading}
      dataSource={items}
      columns={columns}
      pagination={pagination}
      locale={locale}
      onRow={rowTestId && ((row) => ({ 'data-testid': rowTestId(row) }) as HTMLAttributes<HTMLElement>)}
      rowClassName={rowClassName && ((row) => rowClassName(row) ?? '')}
    />
  );
}
