import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Page } from '../../../shared/api';

export type MonthState = 'past' | 'current' | 'future';

export interface BoardRow {
  counts: number[];
  missing: number;
}

export interface FieldBoard {
  year: number;
  today: string;
  months: { month: number; state: MonthState }[];
  people: (BoardRow & {
    userId: string;
    name: string;
    role: 'county_leader' | 'dept_officer';
    departmentId: string | null;
    departmentName: string | null;
    departmentNameEn: string | null;
  })[];
  meetings: (BoardRow & {
    kind: 'committee' | 'department';
    departmentId: string | null;
    name: string | null;
    nameEn: string | null;
  })[];
}

export interface FieldRecord {
  id: string;
  userId: string;
  userName: string;
  role: string;
  date: string;
  enterpriseId: string | null;
  enterpriseName: string | null;
  place: string;
  findings: string;
  photoFileIds: string[];
  createdAt: string;
}

export interface Meeting {
  id: string;
  kind: 'committee' | 'department';
  departmentId: string | null;
  departmentName: string | null;
  departmentNameEn: string | null;
  date: string;
  title: string;
  attendees: string[];
  decisions: string;
  recordedByName: string;
  createdAt: string;
}

export interface FieldBody {
  date: string;
  enterpriseId?: string;
  place?: string;
  findings: string;
  photoFileIds: string[];
}

export interface MeetingBody {
  kind: 'committee' | 'department';
  departmentId?: string;
  date: string;
  title: string;
  attendees: string[];
  decisions: string;
}

export const fieldApi = {
  board: (year: number) => api<FieldBoard>('/api/field-board', { query: { year } }),
  records: (year: number, page: number) =>
    api<Page<FieldRecord>>('/api/field-inspections', { query: { year, page, pageSize: 20 } }),
  record: (body: FieldBody) => api<FieldRecord>('/api/field-inspections', { method: 'POST', body }),
  meetings: (year: number, page: number) =>
    api<Page<Meeting>>('/api/meetings', { query: { year, page, pageSize: 20 } }),
  recordMeeting: (body: MeetingBody) => api<Meeting>('/api/meetings', { method: 'POST', body }),
};

const KEY = ['field'] as const;
export const useFieldBoard = (year: number) =>
  useQuery({ queryKey: [...KEY, 'board', year], queryFn: () => fieldApi.board(year) });
export const useFieldRecords = (year: number, page: number) =>
  useQuery({ queryKey: [...KEY, 'records', year, page], queryFn: () => fieldApi.records(year, page) });
export const useMeetings = (year: number, page: number) =>
  useQuery({ queryKey: [...KEY, 'meetings', year, page], queryFn: () => fieldApi.meetings(year, page) });

export function useFieldMutation<A, R>(fn: (a: A) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => qc.invalidateQueries({ queryKey: KEY }) });
}
