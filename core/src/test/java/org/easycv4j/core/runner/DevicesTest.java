package org.easycv4j.core.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import org.easycv4j.core.config.ComponentBuildException;
import org.easycv4j.core.engine.TorchEngine;
import org.junit.jupiter.api.Test;

/** Device names checked against the loaded libtorch: GPUs it cannot use are errors naming the switch. */
class DevicesTest {
    private static final TorchEngine CUDA_TWO = new TorchEngine("cu128", "cu128", "2.7.1", "/cache/2.7.1-cu128",
            true, 2, 2);
    private static final TorchEngine CPU_ON_GPU_NODE = new TorchEngine("cpu", "cpu", "2.7.1", "/cache/2.7.1-cpu",
            false, 0, 4);

    @Test
    void theTestEngineIsTheCpuJar() {
        TorchEngine e = TorchEngine.current();
        assertFalse(e.cudaBuild(), e.toString());
        assertEquals("cpu", e.flavor());
        assertEquals("cpu", e.selection());
        assertEquals(0, e.gpus());
        assertTrue(e.version().startsWith("2.7.1"), e.version());
        assertTrue(new java.io.File(e.libraryPath(), "libtorch.so").isFile(), e.libraryPath());
    }

    @Test
    void gpuOnTheLoadedCpuEngineFailsNamingTheSwitch() {
        for (String name : new String[] {"gpu", "gpu:0", "cuda:1"}) {
            ComponentBuildException x = assertThrows(ComponentBuildException.class, () -> Devices.parse(name));
            assertTrue(x.getMessage().startsWith("device = " + name + ": the loaded libtorch"), x.getMessage());
            assertTrue(x.getMessage().contains("CPU-only (EASYCV4J_TORCH=cpu)"), x.getMessage());
            assertTrue(x.getMessage().contains("EASYCV4J_TORCH=cu128"), x.getMessage());
        }
    }

    @Test
    void gpuIndexBeyondWhatLibtorchSeesFails() {
        assertEquals(Device.gpu(1), Devices.choose("gpu:1", CUDA_TWO).device());
        assertEquals(Device.gpu(0), Devices.choose("gpu", CUDA_TWO).device());
        ComponentBuildException x = assertThrows(ComponentBuildException.class,
                () -> Devices.choose("gpu:2", CUDA_TWO));
        assertEquals("device = gpu:2: asks for GPU 2 but the cu128 libtorch (EASYCV4J_TORCH=cu128) sees 2 GPU(s) "
                + "(gpu:0 to gpu:1); check CUDA_VISIBLE_DEVICES, or use device = auto or cpu", x.getMessage());
    }

    @Test
    void autoSaysWhichDeviceAndWhy() {
        Devices.Choice gpu = Devices.choose("auto", CUDA_TWO);
        assertEquals(Device.gpu(0), gpu.device());
        assertTrue(gpu.reason().contains("sees 2 GPU(s); using gpu(0)"), gpu.reason());

        Devices.Choice cpu = Devices.choose("auto", CPU_ON_GPU_NODE);
        assertEquals(Device.cpu(), cpu.device());
        assertTrue(cpu.reason().contains("4 GPU(s) present but the loaded libtorch is CPU-only (EASYCV4J_TORCH=cpu)"),
                cpu.reason());
        assertTrue(cpu.reason().contains("EASYCV4J_TORCH=cu128"), cpu.reason());

        Devices.Choice here = Devices.choose("auto", TorchEngine.current());
        assertEquals(Device.cpu(), here.device());
        assertTrue(here.reason().startsWith("device = auto: "), here.reason());
    }

    @Test
    void unknownNamesListTheForms() {
        ComponentBuildException x = assertThrows(ComponentBuildException.class,
                () -> Devices.choose("tpu", CUDA_TWO));
        assertEquals("device: expected auto, cpu, gpu or gpu:N, got \"tpu\"", x.getMessage());
        assertEquals(Device.cpu(), Devices.choose(" CPU ", CUDA_TWO).device());
    }
}
