// A bare-metal AArch64 guest for the live tests (QEMU -M virt,virtualization=on -cpu max,
// entered at EL2). It builds EL2 stage-1 tables, EL1&0 stage-1 tables that live in IPA
// space, and a stage 2; turns the MMUs on; runs AT instructions; stores each PAR_EL1 at
// RESULTS (PA = EL2 VA 0x40300000) with a done marker after them; then waits (wfe loop).
// The layout and the expected answers are in LiveQEMUTests.swift.

        .equ RESULTS, 0x40300000

        .macro put addr, value
        ldr x1, =\addr
        ldr x2, =\value
        str x2, [x1]
        .endm

        .macro at_par op, va
        ldr x0, =\va
        at \op, x0
        isb
        mrs x1, par_el1
        str x1, [x9], #8
        .endm

        .section .text
        .global _start
_start:
        // EL2 stage 1, 4K granule, 39-bit VA, start level 1. L1 at 0x40100000.
        put 0x40100000, 0x40101003            // L1[0] -> L2 0x40101000
        put 0x40100008, 0x40000705            // L1[1] 1G block VA 0x40000000 -> PA 0x40000000, AttrIndx 1 (normal)
        put 0x40101000, 0x40102003            // L2[0] -> L3 0x40102000
        put 0x40101008, 0x40400705            // L2[1] 2M block VA 0x200000 -> PA 0x40400000
        put 0x40102008, 0x40200707            // L3[1] VA 0x1000 -> PA 0x40200000 RW
        put 0x40102010, 0x40201787            // L3[2] VA 0x2000 -> PA 0x40201000 RO (AP[2])
        // Stage 2, 4K granule, 32-bit IPA, start level 1. L1 at 0x40110000.
        put 0x40110008, 0x400007fd            // S2 L1[1] 1G block IPA 0x40000000 -> PA 0x40000000 RW
        put 0x40110010, 0x40111003            // S2 L1[2] -> L2 0x40111000
        put 0x40111000, 0x406007fd            // S2 L2[0] 2M block IPA 0x80000000 -> PA 0x40600000 RW
        put 0x40111008, 0x40112003            // S2 L2[1] -> L3 0x40112000
        put 0x40112000, 0x408007ff            // S2 L3[0] IPA 0x80200000 -> PA 0x40800000 RW
        put 0x40112008, 0x4080177f            // S2 L3[1] IPA 0x80201000 -> PA 0x40801000 RO (S2AP 01)
        // EL1&0 stage 1 (tables at IPA 0x8000x000 = PA 0x4060x000), 39-bit VA both halves.
        put 0x40600000, 0x80001003            // L1[0] -> L2 IPA 0x80001000
        put 0x40601000, 0x80002003            // L2[0] -> L3 IPA 0x80002000
        put 0x40601008, 0x80000705            // L2[1] 2M block VA 0x200000 -> IPA 0x80000000
        put 0x40602008, 0x80200707            // L3[1] VA 0x1000 -> IPA 0x80200000
        put 0x40602010, 0x80201707            // L3[2] VA 0x2000 -> IPA 0x80201000
        put 0x40602018, 0x90000707            // L3[3] VA 0x3000 -> IPA 0x90000000 (no stage 2)
        put 0x40603ff8, 0x40000705            // TTBR1 L1[511] 1G block VA 0xffffffffc0000000 -> IPA 0x40000000
        // Data the tests read through VA 0x1000 at EL2.
        put 0x40200000, 0x1111222233334444

        dsb sy
        ldr x0, =0xff00                       // MAIR: attr0 Device-nGnRnE, attr1 Normal WB
        msr mair_el2, x0
        msr mair_el1, x0
        ldr x0, =0x80823519                   // TCR_EL2: T0SZ 25, WBWA inner shareable, 4K, PS 40 bits, RES1
        msr tcr_el2, x0
        ldr x0, =0x40100000
        msr ttbr0_el2, x0
        ldr x0, =0x80023560                   // VTCR_EL2: T0SZ 32, SL0 1, WBWA IS, 4K, PS 40 bits
        msr vtcr_el2, x0
        ldr x0, =0x0001000040110000           // VTTBR_EL2: VMID 1
        msr vttbr_el2, x0
        ldr x0, =0x2B5193519                  // TCR_EL1: T0SZ/T1SZ 25, WBWA IS, TG1 4K, IPS 40 bits
        msr tcr_el1, x0
        ldr x0, =0x80000000
        msr ttbr0_el1, x0
        ldr x0, =0x0002000080003000           // ASID 2
        msr ttbr1_el1, x0
        ldr x0, =0x80000001                   // HCR_EL2: RW, VM
        msr hcr_el2, x0
        isb
        tlbi alle2
        tlbi alle1
        dsb sy
        isb
        ldr x0, =0x30C51835                   // SCTLR_EL2: M, C, I, RES1
        msr sctlr_el2, x0
        ldr x0, =0x30D01805                   // SCTLR_EL1: M, C, I, RES1
        msr sctlr_el1, x0
        isb

        ldr x9, =RESULTS
        at_par s1e2r, 0x1000
        at_par s1e2w, 0x2000
        at_par s1e2r, 0x2000
        at_par s1e2r, 0x200123
        at_par s1e2r, 0x3000
        at_par s12e1r, 0x1000
        at_par s12e1w, 0x2000
        at_par s12e1r, 0x2000
        at_par s12e1r, 0x3000
        at_par s12e1r, 0x200000
        at_par s1e1r, 0x1000
        at_par s12e1r, 0xffffffffc0001000
        ldr x1, =0x600DCAFE
        str x1, [x9]
        dsb sy
1:      wfe
        b 1b
        .ltorg
