import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Input, Row, Spin, Tag, Tree, Typography } from 'antd';
import { type ReactNode, useState } from 'react';
import { useT } from '../../../app/i18n';
import { errorMessage } from '../../../shared/errors';
import { ORG_KEYS, orgApi, type RegionNode, regionTree, useRegions } from '../api';

type TreeNode = { key: string; title: ReactNode; children?: TreeNode[] };

function toTree(nodes: RegionNode[], kindLabel: (k: RegionNode['kind']) => string): TreeNode[] {
  return nodes.map((n) => ({
    key: n.value,
    title: (
      <span>
        {n.title} <Typography.Text type="secondary">{n.value}</Typography.Text> <Tag>{kindLabel(n.kind)}</Tag>
      </span>
    ),
    ...(n.children ? { children: toTree(n.children, kindLabel) } : {}),
  }));
}

const CSV_EXAMPLE = 'code,parent_code,name,kind,lng,lat\n140522100299,140522100000,示例村,village,112.41,35.48';

export function RegionsTab({ manage }: { manage: boolean }) {
  const t = useT();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const regions = useRegions();
  const [csv, setCsv] = useState('');
  const importCsv = useMutation({
    mutationFn: () => orgApi.importRegions(csv),
    onSuccess: (r) => {
      message.success(t('org.regions.imported', { count: r.imported }));
      setCsv('');
      void qc.invalidateQueries({ queryKey: ORG_KEYS.regions });
    },
  });

  if (regions.isPending) return <Spin />;
  if (regions.error) return <Alert type="error" showIcon title={errorMessage(regions.error)} />;
  const tree = toTree(regionTree(regions.data, 0), (k) => t(`org.regionKinds.${k}`));
  const roots = tree.map((n) => n.key);

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} lg={manage ? 14 : 24}>
        <Typography.Paragraph type="secondary">
          {t('org.regions.count', { count: regions.data.length })}
        </Typography.Paragraph>
        <Tree treeData={tree} defaultExpandedKeys={roots} showLine data-testid="region-tree" />
      </Col>
      {manage && (
        <Col xs={24} lg={10}>
          <Card size="small" title={t('org.regions.importTitle')}>
            <Typography.Paragraph type="secondary">{t('org.regions.importHint')}</Typography.Paragraph>
            <Input.TextArea
              rows={8}
              value={csv}
              onChange={(e) => setCsv(e.target.value)}
              placeholder={CSV_EXAMPLE}
              data-testid="region-csv"
              style={{ fontFamily: 'monospace' }}
            />
            {importCsv.error && (
              <Alert
                type="error"
                showIcon
                style={{ marginTop: 8 }}
                title={errorMessage(importCsv.error)}
                description={importCsv.error.message}
              />
            )}
            <Button
              type="primary"
              style={{ marginTop: 8 }}
              disabled={!csv.trim()}
              loading={importCsv.isPending}
              onClick={() => importCsv.mutate()}
            >
              {t('org.regions.importButton')}
            </Button>
          </Card>
        </Col>
      )}
    </Row>
  );
}
