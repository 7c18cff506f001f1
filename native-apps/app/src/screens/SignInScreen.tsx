import { useEffect, useState } from 'react';
import { ActivityIndicator, Image, KeyboardAvoidingView, Platform, ScrollView, StyleSheet, TextInput, View } from 'react-native';
import { useBrand } from '../brand';
import { useChat } from '../chat';
import { logo } from '../logo';
import { demoConfig, signInDemo, signInWithPassword, SignInError } from '../session';
import { useTheme } from '../theme';
import { Body, Button, ErrorText, Heading } from '../components/ui';

function message(e: unknown): string {
  return e instanceof SignInError ? e.message : 'Something went wrong. Try again.';
}

export function SignInScreen() {
  const brand = useBrand();
  const { colors } = useTheme();
  const { signIn, endedBecause } = useChat();
  const [error, setError] = useState<string | undefined>(endedBecause);
  const [busy, setBusy] = useState(false);
  const [demoUsers, setDemoUsers] = useState<string[]>();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');

  useEffect(() => {
    if (brand.signIn.method !== 'demo') return;
    demoConfig(brand.api.baseUrl).then((c) => setDemoUsers(c.users), (e: unknown) => setError(message(e)));
  }, [brand]);

  const run = async (attempt: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await attempt();
    } catch (e) {
      setError(message(e));
      setBusy(false);
    }
  };

  return (
    <KeyboardAvoidingView style={[styles.fill, { backgroundColor: colors.background }]} behavior={Platform.OS === 'ios' ? 'padding' : undefined}>
      <ScrollView contentContainerStyle={styles.content} keyboardShouldPersistTaps="handled">
        <Image source={logo} style={styles.logo} accessibilityIgnoresInvertColors accessible={false} />
        <Heading>{brand.name}</Heading>
        {error && <ErrorText>{error}</ErrorText>}
        {brand.signIn.method === 'demo' ? (
          <View style={styles.form}>
            <Body muted>Demo: sign in as one of the appliance's demo users.</Body>
            {!demoUsers && !error && <ActivityIndicator accessibilityLabel="Loading the demo users" color={colors.primary} />}
            {demoUsers?.map((u) => (
              <Button key={u} label={`Continue as ${u}`} disabled={busy} onPress={() => void run(async () => signIn(await signInDemo(brand.api.baseUrl, u)))} />
            ))}
          </View>
        ) : (
          <View style={styles.form}>
            <Body>{brand.signIn.usernameLabel ?? 'User name'}</Body>
            <TextInput
              accessibilityLabel={brand.signIn.usernameLabel ?? 'User name'}
              autoCapitalize="none"
              autoComplete="username"
              textContentType="username"
              value={username}
              onChangeText={setUsername}
              style={[styles.input, { color: colors.text, borderColor: colors.muted, backgroundColor: colors.surface }]}
            />
            <Body>Password</Body>
            <TextInput
              accessibilityLabel="Password"
              secureTextEntry
              autoComplete="current-password"
              textContentType="password"
              value={password}
              onChangeText={setPassword}
              onSubmitEditing={() => void submit()}
              style={[styles.input, { color: colors.text, borderColor: colors.muted, backgroundColor: colors.surface }]}
            />
            <Button label="Sign in" disabled={busy || !username || !password} onPress={() => void submit()} />
          </View>
        )}
      </ScrollView>
    </KeyboardAvoidingView>
  );

  function submit() {
    if (busy || brand.signIn.method !== 'token-endpoint' || !username || !password) return Promise.resolve();
    const { tokenEndpoint } = brand.signIn;
    return run(async () => signIn(await signInWithPassword(tokenEndpoint, brand.api.apiKey ?? '', username.trim(), password)));
  }
}

const styles = StyleSheet.create({
  fill: { flex: 1 },
  content: { padding: 24, gap: 16, alignItems: 'stretch', maxWidth: 480, width: '100%', alignSelf: 'center' },
  logo: { width: 96, height: 96, alignSelf: 'center' },
  form: { gap: 10 },
  input: { minHeight: 44, borderWidth: 1, borderRadius: 10, paddingHorizontal: 12, fontSize: 16 },
});
