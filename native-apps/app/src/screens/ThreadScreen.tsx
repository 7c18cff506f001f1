import type { NativeStackScreenProps } from '@react-navigation/native-stack';
import { isCid, type Routes } from '../navigation';
import { ErrorText } from '../components/ui';
import { ChannelView } from './ChannelScreen';

export function ThreadScreen({ route }: NativeStackScreenProps<Routes, 'Thread'>) {
  const { cid, parentId } = route.params;
  if (!isCid(cid) || typeof parentId !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(parentId)) return <ErrorText>There is no such thread.</ErrorText>;
  return <ChannelView cid={cid} parentId={parentId} />;
}
