import { DarkTheme, DefaultTheme, NavigationContainer, createNavigationContainerRef, type Theme as NavTheme } from '@react-navigation/native';
import { createNativeStackNavigator } from '@react-navigation/native-stack';
import * as Linking from 'expo-linking';
import { StatusBar } from 'expo-status-bar';
import { useEffect, useMemo } from 'react';
import { ActivityIndicator, View } from 'react-native';
import { SafeAreaProvider } from 'react-native-safe-area-context';
import type { ChatClient } from '@chatsdk/client';
import { BrandContext, configuredBrand, useBrand, type Brand } from './brand';
import { ChatProvider, useChat } from './chat';
import { isCid, linkingScreens, type Routes } from './navigation';
import { onNotificationOpened } from './push';
import { ThemeProvider, useTheme } from './theme';
import { ChannelScreen } from './screens/ChannelScreen';
import { ChannelsScreen } from './screens/ChannelsScreen';
import { SettingsScreen } from './screens/SettingsScreen';
import { SignInScreen } from './screens/SignInScreen';
import { ThreadScreen } from './screens/ThreadScreen';

const Stack = createNativeStackNavigator<Routes>();
export const navigationRef = createNavigationContainerRef<Routes>();

function Screens() {
  const brand = useBrand();
  const { colors, scheme } = useTheme();
  const { client, restoring } = useChat();

  // a tapped notification opens its channel
  useEffect(() => {
    if (!client) return;
    return onNotificationOpened((cid) => {
      if (isCid(cid) && navigationRef.isReady()) navigationRef.navigate('Channel', { cid });
    });
  }, [client]);

  const navTheme = useMemo<NavTheme>(() => {
    const base = scheme === 'dark' ? DarkTheme : DefaultTheme;
    return { ...base, colors: { ...base.colors, primary: colors.primary, background: colors.background, card: colors.background, text: colors.text, border: colors.surface, notification: colors.primary } };
  }, [scheme, colors]);

  const linking = useMemo(() => ({ prefixes: [Linking.createURL('/'), `${brand.scheme}://`], config: { screens: linkingScreens } }), [brand.scheme]);

  if (restoring) {
    return (
      <View style={{ flex: 1, alignItems: 'center', justifyContent: 'center', backgroundColor: colors.background }}>
        <ActivityIndicator accessibilityLabel="Loading" color={colors.primary} />
      </View>
    );
  }
  return (
    <NavigationContainer ref={navigationRef} theme={navTheme} linking={linking} documentTitle={{ formatter: (options) => (options?.title && options.title !== brand.name ? `${options.title} · ${brand.name}` : brand.name) }}>
      <StatusBar style={scheme === 'dark' ? 'light' : 'dark'} />
      {/* one landmark around the header and the screen, for screen readers on the web */}
      <View role="main" style={{ flex: 1 }}>
      <Stack.Navigator screenOptions={{ headerTintColor: colors.primary, headerTitleStyle: { color: colors.text } }}>
        {client ? (
          <>
            <Stack.Screen name="Channels" component={ChannelsScreen} options={{ title: brand.name }} />
            <Stack.Screen name="Channel" component={ChannelScreen} options={{ title: '' }} />
            <Stack.Screen name="Thread" component={ThreadScreen} options={{ title: 'Thread' }} />
            <Stack.Screen name="Settings" component={SettingsScreen} />
          </>
        ) : (
          <Stack.Screen name="SignIn" component={SignInScreen} options={{ headerShown: false, title: 'Sign in' }} />
        )}
      </Stack.Navigator>
      </View>
    </NavigationContainer>
  );
}

function Themed() {
  const { appearance } = useChat();
  return (
    <ThemeProvider appearance={appearance}>
      <Screens />
    </ThemeProvider>
  );
}

/** The app for a given brand; `makeClient` lets tests and embedders supply the client. */
export function BrandedApp({ brand, makeClient }: { brand: Brand; makeClient?: (apiKey: string) => ChatClient }) {
  return (
    <SafeAreaProvider>
      <BrandContext.Provider value={brand}>
        <ChatProvider makeClient={makeClient}>
          <Themed />
        </ChatProvider>
      </BrandContext.Provider>
    </SafeAreaProvider>
  );
}

/** The app as built: the brand comes from app.config.js. */
export function App() {
  const brand = useMemo(configuredBrand, []);
  return <BrandedApp brand={brand} />;
}
